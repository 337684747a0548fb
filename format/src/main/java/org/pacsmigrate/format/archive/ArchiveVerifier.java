package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.SourceBulkData;
import org.pacsmigrate.format.verify.DataSetComparator;
import org.pacsmigrate.format.verify.Difference;
import org.pacsmigrate.format.verify.FileValueDigester;

/**
 * Proves, instance by instance, that a study archive holds its sources: each source file is compared with the
 * Part 10 file that {@link ArchiveExporter} regenerates for it. Attributes that reconciliation changed must hold
 * the reconciled value in the archive and their original value in Original Attributes Sequence (0400,0561),
 * in the items appended after those the source already had (which must be kept as they were); every other
 * attribute, every frame and every bulk value must be equal. Differences are reported by path, never by value
 * (patient data).
 */
public final class ArchiveVerifier {
  static final int ORIGINAL_ATTRIBUTES_SEQUENCE = 0x04000561;
  static final int MODIFIED_ATTRIBUTES_SEQUENCE = 0x04000550;

  /** The outcome for one source file. */
  public record InstanceVerdict(String source, String sopUid, List<Difference> differences) {
    public boolean ok() {
      return differences.isEmpty();
    }
  }

  /** The outcome for one study: every source instance, and archived instances no source accounts for. */
  public record StudyVerdict(String studyUid, List<InstanceVerdict> instances, List<String> unaccounted) {
    public boolean ok() {
      return unaccounted.isEmpty() && instances.stream().allMatch(InstanceVerdict::ok);
    }

    public long failed() {
      return instances.stream().filter(v -> !v.ok()).count();
    }

    /** One line for an operator: the study, OK or FAILED, and the counts. */
    public String summary() {
      return studyUid + " " + (ok() ? "OK" : "FAILED") + " (" + instances.size() + " instances checked, "
          + failed() + " differ, " + unaccounted.size() + " archived without a source given)";
    }

    /**
     * For a failed study, one indented line per difference (source, SOP Instance UID, the tag path or frame and
     * what differs; never a value) and per archived instance without a source; empty when the study is OK.
     */
    public List<String> details() {
      List<String> lines = new ArrayList<>();
      for (InstanceVerdict v : instances) {
        for (Difference d : v.differences()) {
          lines.add("  " + v.source() + " (" + v.sopUid() + "): " + d);
        }
      }
      for (String sop : unaccounted) {
        lines.add("  " + sop + ": archived, but no source given for it");
      }
      return lines;
    }
  }

  /**
   * Exports up to this size (a CT slice, not a radiograph) are read back from memory, larger ones from a temporary
   * file in the work folder: at most about twice this per verifying thread.
   */
  static final int IN_MEMORY_EXPORT = 1024 * 1024;

  private final Path workDir;

  /** @param workDir where exported files are written while they are compared (deleted after each) */
  public ArchiveVerifier(Path workDir) {
    this.workDir = workDir;
  }

  public StudyVerdict verify(StudyArchive archive, List<Path> sources) throws IOException {
    Map<String, ArchivedInstance> bySop = new TreeMap<>();
    for (ArchivedInstance i : ArchivedInstance.all(archive)) {
      bySop.put(i.sopUid(), i);
    }
    Set<String> seen = new HashSet<>();
    List<InstanceVerdict> verdicts = new ArrayList<>();
    // The job read these sources within its inflation limit already; verification reads them whole.
    P10Reader reader = new P10Reader(P10Reader.DEFAULT_BULK_THRESHOLD, P10Reader.NO_INFLATION_LIMIT);
    // One buffer for the study's exports, each read back from it before the next is written.
    try (ExportBuffer exported = new ExportBuffer(workDir, IN_MEMORY_EXPORT)) {
      for (Path source : sources) {
        String sop = null;
        try {
          DicomFile original = reader.read(source);
          sop = original.dataSet().asciiString(Tag.SOPInstanceUID);
          ArchivedInstance archived = sop == null ? null : bySop.get(sop);
          if (archived == null) {
            verdicts.add(new InstanceVerdict(source.toString(), sop,
                List.of(new Difference("-", "instance is not in the archive"))));
            continue;
          }
          seen.add(sop);
          verdicts.add(new InstanceVerdict(source.toString(), sop,
              compare(archive, archived, source, original, exported)));
        } catch (IOException | RuntimeException e) {
          // One instance that cannot be read, exported or compared is that instance's failure, not the study's.
          verdicts.add(new InstanceVerdict(source.toString(), sop,
              List.of(new Difference("-", "cannot be checked: " + describe(e)))));
        }
      }
    }
    List<String> unaccounted = new ArrayList<>();
    for (String sop : bySop.keySet()) {
      if (!seen.contains(sop)) {
        unaccounted.add(sop);
      }
    }
    return new StudyVerdict(archive.studyUid(), verdicts, unaccounted);
  }

  /** The exception's type and message: the reader's and writer's messages name tags and offsets, not values. */
  static String describe(Throwable e) {
    String message = e instanceof org.pacsmigrate.format.p10.DicomParseException p
        ? p.reason() + " (at byte " + p.offset() + ")" : e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private List<Difference> compare(StudyArchive archive, ArchivedInstance archived, Path source, DicomFile original,
      ExportBuffer exported) throws IOException {
    exported.reset();
    try {
      new ArchiveExporter().export(archive, archived, exported);
      DicomFile copy;
      try (SeekableByteChannel channel = exported.channel()) {
        copy = new P10Reader(P10Reader.DEFAULT_BULK_THRESHOLD, P10Reader.NO_INFLATION_LIMIT)
            .read("the export of " + archived.sopUid(), channel);
      }
      List<DataSet> sourceRecords = items(original.dataSet().get(ORIGINAL_ATTRIBUTES_SEQUENCE));
      Map<Integer, DicomElement> originals = recordedOriginals(copy.dataSet(), sourceRecords.size());
      Set<Integer> ignored = new HashSet<>(originals.keySet());
      ignored.add(ORIGINAL_ATTRIBUTES_SEQUENCE);
      ignored.add(Tag.AvailableTransferSyntaxUID);
      try (SourceBulkData a = SourceBulkData.open(source, original);
          SourceBulkData b = new SourceBulkData(exported.channel(), copy)) {
        DataSetComparator comparator = new DataSetComparator(new FileValueDigester(original, a),
            new FileValueDigester(copy, b), ignored);
        List<Difference> differences = new ArrayList<>(comparator.compare(original.dataSet(), copy.dataSet()));
        // The source's own audit trail is kept, item for item, ahead of what the migration appended.
        List<DataSet> copyRecords = items(copy.dataSet().get(ORIGINAL_ATTRIBUTES_SEQUENCE));
        if (copyRecords.size() < sourceRecords.size()) {
          differences.add(new Difference(Tag.toHex(ORIGINAL_ATTRIBUTES_SEQUENCE), "the source's "
              + sourceRecords.size() + " item(s) are not all kept"));
        } else if (!sourceRecords.isEmpty()) {
          differences.addAll(new DataSetComparator(new FileValueDigester(original, a), new FileValueDigester(copy, b),
              Set.of()).compare(leading(original.dataSet(), sourceRecords.size()),
              leading(copy.dataSet(), sourceRecords.size())));
        }
        // A changed attribute: the source must hold the value recorded as original.
        for (Map.Entry<Integer, DicomElement> e : originals.entrySet()) {
          DataSet was = new DataSet();
          DataSet recorded = new DataSet();
          DicomElement sourceValue = original.dataSet().get(e.getKey());
          if (sourceValue != null) {
            was.put(sourceValue);
          }
          if (!e.getValue().isEmpty() || sourceValue != null) {
            recorded.put(e.getValue());
          }
          for (Difference d : new DataSetComparator(null, null, Set.of()).compare(was, recorded)) {
            differences.add(new Difference(d.path(), "original value recorded in (0400,0561) differs from the source"));
          }
        }
        if (differences.stream().anyMatch(d -> isPixelPath(d.path()))) {
          differences.addAll(frameDifferences(archive, archived, original, a));
        }
        return differences;
      }
    } finally {
      // A large export's temporary file goes as soon as it is compared.
      exported.reset();
    }
  }

  private static boolean isPixelPath(String path) {
    return path.equalsIgnoreCase(Tag.toHex(Tag.PixelData)) || path.equalsIgnoreCase(Tag.toHex(Tag.FloatPixelData))
        || path.equalsIgnoreCase(Tag.toHex(Tag.DoubleFloatPixelData));
  }

  /**
   * Which frames differ, when the pixel data does: each source frame (as {@link FrameLocator} finds it, bytes as
   * stored) against the archive's frame entry of the same number, by SHA-256.
   */
  private static List<Difference> frameDifferences(StudyArchive archive, ArchivedInstance archived,
      DicomFile original, SourceBulkData source) {
    List<Difference> out = new ArrayList<>();
    String where = Tag.toHex(Tag.PixelData) + "/frames";
    try {
      List<Frame> frames = FrameLocator.locate(original);
      int count = archive.frameCount(archived.seriesUid(), archived.sopUid());
      if (count != frames.size()) {
        out.add(new Difference(where, "the source has " + frames.size() + " frame(s), the archive " + count));
      }
      for (int i = 0; i < Math.min(count, frames.size()); i++) {
        MessageDigest sourceDigest = sha256();
        long sourceLength = 0;
        try (DigestOutputStream d = new DigestOutputStream(OutputStream.nullOutputStream(), sourceDigest)) {
          for (BulkData range : frames.get(i).ranges()) {
            source.reader().copy(range, d);
            sourceLength += range.length();
          }
        }
        MessageDigest archiveDigest = sha256();
        long archiveLength;
        try (Multipart.Part part = archive.frame(archived.seriesUid(), archived.sopUid(), i + 1);
            DigestOutputStream d = new DigestOutputStream(OutputStream.nullOutputStream(), archiveDigest)) {
          archiveLength = part.body().transferTo(d);
        }
        if (sourceLength != archiveLength) {
          out.add(new Difference(where + "/" + (i + 1), "frame " + (i + 1) + " has " + sourceLength
              + " bytes in the source, " + archiveLength + " in the archive"));
        } else if (!MessageDigest.isEqual(sourceDigest.digest(), archiveDigest.digest())) {
          out.add(new Difference(where + "/" + (i + 1), "frame " + (i + 1) + " differs"));
        }
      }
    } catch (IOException | RuntimeException e) {
      out.add(new Difference(where, "frames cannot be compared one by one: " + describe(e)));
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Top-level attributes whose original values the archive recorded after the source's own {@code skip} items;
   * the first such record holds the source value.
   */
  static Map<Integer, DicomElement> recordedOriginals(DataSet ds, int skip) {
    Map<Integer, DicomElement> out = new HashMap<>();
    List<DataSet> records = items(ds.get(ORIGINAL_ATTRIBUTES_SEQUENCE));
    for (DataSet item : records.subList(Math.min(skip, records.size()), records.size())) {
      DicomElement modified = item.get(MODIFIED_ATTRIBUTES_SEQUENCE);
      if (modified == null || !modified.isSequence()) {
        continue;
      }
      for (DataSet values : modified.items()) {
        for (DicomElement e : values.elements()) {
          out.putIfAbsent(e.tag(), e);
        }
      }
    }
    return out;
  }

  private static List<DataSet> items(DicomElement e) {
    return e == null || !e.isSequence() ? List.of() : e.items();
  }

  /** The data set's character set and the first {@code n} items of its Original Attributes Sequence. */
  private static DataSet leading(DataSet ds, int n) {
    DataSet out = new DataSet();
    DicomElement charset = ds.get(Tag.SpecificCharacterSet);
    if (charset != null) {
      out.put(charset);
    }
    out.put(DicomElement.ofItems(ORIGINAL_ATTRIBUTES_SEQUENCE,
        items(ds.get(ORIGINAL_ATTRIBUTES_SEQUENCE)).subList(0, n)));
    return out;
  }
}
