package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.json.DicomJsonReader;
import org.pacsmigrate.format.p10.BulkDataReader;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.SourceBulkData;

/**
 * What every archive test checks, spelled out from the README rather than from the writer: entry order, frames
 * and bulk values byte for byte against the source, Content-Types, and that the metadata holds the source's
 * attributes with every BulkDataURI naming an entry.
 */
final class ArchiveChecks {
  /** PS3.18 F.2.2: the VRs a BulkDataURI may stand for. */
  static final Set<VR> URI_VRS = EnumSet.of(VR.DS, VR.FL, VR.FD, VR.IS, VR.LT, VR.OB, VR.OD, VR.OF, VR.OL, VR.OV,
      VR.OW, VR.SL, VR.SS, VR.ST, VR.SV, VR.UC, VR.UL, VR.UN, VR.US, VR.UT, VR.UV);
  static final String LE = "1.2.840.10008.1.2.1";
  static final String BE = "1.2.840.10008.1.2.2";

  private ArchiveChecks() {}

  static String series(ArchiveInstance i) {
    return i.metadata().asciiString(Tag.SeriesInstanceUID);
  }

  static String sop(ArchiveInstance i) {
    return i.metadata().asciiString(Tag.SOPInstanceUID);
  }

  static List<ArchiveInstance> sorted(List<ArchiveInstance> instances) {
    List<ArchiveInstance> s = new ArrayList<>(instances);
    s.sort(Comparator.comparing(ArchiveChecks::series).thenComparing(ArchiveChecks::sop));
    return s;
  }

  static int pixelTag(DataSet ds) {
    for (int tag : new int[] {Tag.PixelData, Tag.FloatPixelData, Tag.DoubleFloatPixelData}) {
      if (ds.contains(tag)) {
        return tag;
      }
    }
    return 0;
  }

  /** Each frame's bytes as the source stores them, native ones of a big endian source in little endian. */
  static List<byte[]> sourceFrames(ArchiveInstance instance) throws IOException {
    DicomElement pixels = instance.metadata().get(pixelTag(instance.metadata()));
    if (pixels == null || pixels.isEmpty()) {
      return List.of();
    }
    List<byte[]> frames = new ArrayList<>();
    try (SourceBulkData source = new SourceBulkData(instance.source().open(), instance.file())) {
      for (Frame f : FrameLocator.locate(instance.file())) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (BulkData r : f.ranges()) {
          if (pixels.isEncapsulated()) {
            source.reader().copy(r, b);
          } else {
            source.copy(ElementPath.of(pixels.tag()), pixels.vr(), r, b);
          }
        }
        frames.add(b.toByteArray());
      }
    }
    return frames;
  }

  /** Values the metadata must give a BulkDataURI other than Pixel Data's, by path, in the README's order. */
  static Map<String, DicomElement> expectedBulkValues(DataSet ds) {
    Map<String, DicomElement> out = new TreeMap<>();
    collect(ds, null, 0, pixelTag(ds), out);
    return out;
  }

  private static void collect(DataSet ds, ElementPath seq, int item, int pixelTag, Map<String, DicomElement> out) {
    for (DicomElement e : ds.elements()) {
      ElementPath path = seq == null ? ElementPath.of(e.tag()) : seq.child(item, e.tag());
      if (Tag.isEncodingArtefact(e.tag()) || seq == null && e.tag() == pixelTag) {
        continue;
      }
      if (e.isSequence()) {
        for (int i = 0; i < e.items().size(); i++) {
          collect(e.items().get(i), path, i, pixelTag, out);
        }
      } else if (URI_VRS.contains(e.vr()) && !e.isEmpty()
          && (e.isBulk() || e.vr().kind() == VR.Kind.BULK && e.bytes().length > 1024)) {
        out.put(path.toString(), e);
      }
    }
  }

  /** The entry names the README prescribes for these instances. */
  static List<String> expectedEntries(String study, List<ArchiveInstance> instances) throws IOException {
    List<String> names = new ArrayList<>();
    names.add("studies/" + study + "/metadata");
    for (ArchiveInstance i : sorted(instances)) {
      String prefix = "studies/" + study + "/series/" + series(i) + "/instances/" + sop(i) + "/";
      int frames = sourceFrames(i).size();
      for (int n = 1; n <= frames; n++) {
        names.add(prefix + "frames/" + n);
      }
      for (String path : expectedBulkValues(i.metadata()).keySet()) {
        names.add(prefix + "bulkdata/" + path);
      }
    }
    return names;
  }

  static String frameMediaType(ArchiveInstance i) {
    DicomElement pixels = i.metadata().get(pixelTag(i.metadata()));
    if (pixels != null && pixels.isEncapsulated()) {
      String type = i.file().transferSyntax().mediaType();
      return type == null ? "application/octet-stream" : type;
    }
    return "application/octet-stream";
  }

  static String frameSyntax(ArchiveInstance i) {
    DicomElement pixels = i.metadata().get(pixelTag(i.metadata()));
    if (pixels != null && pixels.isEncapsulated()) {
      return i.file().transferSyntax().uid();
    }
    return byteOrder(i.file());
  }

  /** Native values are little endian in the archive, whatever the source's byte order. */
  static String byteOrder(DicomFile f) {
    return LE;
  }

  static byte[] bytes(Multipart.Part part) throws IOException {
    try (part) {
      byte[] b = part.body().readAllBytes();
      assertEquals(part.length(), b.length, "part length");
      return b;
    }
  }

  static void assertFrames(StudyArchive archive, ArchiveInstance i) throws IOException {
    List<byte[]> expected = sourceFrames(i);
    assertEquals(expected.size(), archive.frameCount(series(i), sop(i)), i.file().source() + " frame count");
    for (int n = 1; n <= expected.size(); n++) {
      Multipart.Part part = archive.frame(series(i), sop(i), n);
      assertEquals(frameMediaType(i), part.mediaType(), i.file().source() + " frame " + n);
      assertEquals(frameSyntax(i), part.transferSyntax(), i.file().source() + " frame " + n);
      assertArrayEquals(expected.get(n - 1), bytes(part), i.file().source() + " frame " + n);
    }
  }

  /** Every BulkDataURI in the metadata JSON, in document order. */
  static List<String> bulkDataUris(byte[] json) throws IOException {
    List<String> uris = new ArrayList<>();
    collectUris(new ObjectMapper().readTree(json), uris);
    return uris;
  }

  private static void collectUris(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().equals("BulkDataURI")) {
          out.add(f.getValue().asText());
        } else {
          collectUris(f.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectUris(n, out));
    }
  }

  /** Every URI names an entry (or frames folder) and every frame and bulk data entry is named by a URI. */
  static void assertUrisMatchEntries(StudyArchive archive) throws IOException {
    String study = archive.studyUid();
    List<String> uris = bulkDataUris(archive.metadataJson());
    List<String> named = new ArrayList<>();
    named.add("studies/" + study + "/metadata");
    for (String uri : uris) {
      assertTrue(!uri.startsWith("/") && !uri.contains(":"), uri + " is relative");
      if (uri.endsWith("/frames")) {
        ArchiveUri u = ArchiveUri.parse(uri);
        int n = archive.frameCount(u.seriesUid(), u.sopUid());
        assertTrue(n > 0, uri + " has frames");
        for (int f = 1; f <= n; f++) {
          named.add("studies/" + study + "/" + uri + "/" + f);
        }
      } else {
        String entry = "studies/" + study + "/" + uri;
        assertTrue(archive.entrySize(entry) > 0, uri + " names an entry");
        named.add(entry);
      }
    }
    assertEquals(named.stream().sorted().toList(), archive.entryNames().stream().sorted().toList());
  }

  /**
   * The archived data sets hold the sources' attributes: in-memory values equal (after the JSON round trip's
   * padding rules, when {@code compareText}), bulk values equal byte for byte through their entries, labelled
   * with their byte order, and (0008,3002) gives the source syntax.
   */
  static void assertMetadata(StudyArchive archive, List<ArchiveInstance> instances, boolean compareText)
      throws IOException {
    PlaceholderResolver resolver = archive.placeholderResolver();
    List<DataSet> archived = archive.instances(resolver);
    List<ArchiveInstance> sorted = sorted(instances);
    assertEquals(sorted.size(), archived.size());
    for (int k = 0; k < sorted.size(); k++) {
      ArchiveInstance i = sorted.get(k);
      DataSet a = archived.get(k);
      String name = i.file().source();
      assertEquals(i.file().transferSyntax().bigEndian() ? LE : i.file().transferSyntax().uid(),
          a.asciiString(Tag.AvailableTransferSyntaxUID), name);
      assertEquals(sop(i), a.asciiString(Tag.SOPInstanceUID), name);
      new Walk(archive, resolver, i, a, compareText).compare(i.metadata(), a, null, 0);
    }
  }

  /** {@code root} is the archived instance, which paths start from. */
  private record Walk(StudyArchive archive, PlaceholderResolver resolver, ArchiveInstance instance, DataSet root,
      boolean compareText) {

    void compare(DataSet source, DataSet archived, ElementPath seq, int item) throws IOException {
      int expectedSize = 0;
      for (DicomElement e : source.elements()) {
        if (Tag.isEncodingArtefact(e.tag()) || seq == null && e.tag() == Tag.AvailableTransferSyntaxUID) {
          continue;
        }
        expectedSize++;
        ElementPath path = seq == null ? ElementPath.of(e.tag()) : seq.child(item, e.tag());
        String where = instance.file().source() + " " + path;
        DicomElement a = archived.get(e.tag());
        assertNotNull(a, where);
        assertEquals(e.vr(), a.vr(), where);
        if (e.isSequence()) {
          assertEquals(e.items().size(), a.items().size(), where);
          for (int i = 0; i < e.items().size(); i++) {
            compare(e.items().get(i), a.items().get(i), path, i);
          }
        } else if (seq == null && e.tag() == pixelTag(instance.metadata()) && !e.isEmpty()) {
          assertEquals(ArchiveLayout.framesUri(series(instance), sop(instance)), resolver.uriOf(a), where);
          assertEquals(sourceFrames(instance).stream().mapToLong(f -> f.length).sum(), a.bulk().length(),
              where + " placeholder length: the frames' data");
          assertEquals(resolver.uriOf(a), archive.uriOf(root, path));
          assertEquals(null, resolver.entryOf(a), "the frames folder is not an entry");
        } else if (URI_VRS.contains(e.vr()) && !e.isEmpty()
            && (e.isBulk() || e.vr().kind() == VR.Kind.BULK && e.bytes().length > 1024)) {
          String uri = resolver.uriOf(a);
          assertEquals(ArchiveLayout.bulkDataUri(series(instance), sop(instance), path), uri, where);
          assertEquals(uri, archive.uriOf(root, path), where);
          assertEquals("studies/" + archive.studyUid() + "/" + uri, resolver.entryOf(a), where);
          Multipart.Part part = archive.bulkData(uri);
          assertEquals("application/octet-stream", part.mediaType(), where);
          assertEquals(e.isBulk() ? byteOrder(instance.file()) : LE, part.transferSyntax(), where);
          assertEquals(part.length(), a.bulk().length(), where + " placeholder length");
          assertArrayEquals(e.isBulk() ? littleEndian(path, e) : e.bytes(), bytes(part), where);
        } else if (e.isBulk()) {
          // A VR JSON cannot refer to: read from the source (in little endian) and written inline.
          assertTrue(a.hasBytes(), where);
          assertArrayEquals(normalised(path, e.vr(), littleEndian(path, e)), normalised(path, a.vr(), a.bytes()),
              where);
        } else if (compareText || e.vr().kind() != VR.Kind.TEXT) {
          assertArrayEquals(normalised(path, e.vr(), e.bytes()), normalised(path, a.vr(), a.bytes()), where);
        }
      }
      assertEquals(expectedSize + (seq == null ? 1 : 0), archived.size(), instance.file().source() + " " + seq);
    }

    private byte[] raw(BulkData range) throws IOException {
      try (BulkDataReader reader = new BulkDataReader(instance.source().open(), instance.file())) {
        return reader.read(range);
      }
    }

    private byte[] littleEndian(ElementPath path, DicomElement e) throws IOException {
      try (SourceBulkData source = new SourceBulkData(instance.source().open(), instance.file())) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        source.copy(path, e.vr(), e.bulk(), out);
        return out.toByteArray();
      }
    }

    private static byte[] normalised(ElementPath path, VR vr, byte[] value) {
      DataSet one = new DataSet().put(DicomElement.ofBytes(path.tag(), vr, value));
      return DicomJsonReader.normalise(one).get(path.tag()).bytes();
    }
  }
}
