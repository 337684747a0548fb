package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.SourceBulkData;

/**
 * A real third-party DICOMweb client, the npm {@code dicomweb-client} under Node, runs a viewer's sequence of
 * requests (search studies and series, study/series/instance metadata, each frame and the frame list, every bulk
 * data URI, retrieve instance) against {@code serve} over the migrated corpus files, against Orthanc with its
 * DICOMweb plugin loaded with the same files, and against nginx serving the tree layout of the same migration
 * with the runbook's block. Checked: {@code serve} answers every step; its frames are the sources' frames byte
 * for byte (little endian for the big endian sources, as PS3.18 defines native frames), and so are its bulk
 * data; its metadata agrees with Orthanc's attribute by attribute; nginx answers exactly what a static server
 * can (single frames; study metadata to a client that takes gzip). Prints a table of which steps each server
 * answered.
 */
class DicomWebClientsTest {
  /** Native and encapsulated, little and big endian (one of them 32-bit multi-frame), waveform bulk data. */
  static final List<String> FILES = List.of("CT_small.dcm", "MR_small_bigendian.dcm", "SC_rgb_rle_2frame.dcm",
      "JPEG2000.dcm", "waveform_ecg.dcm", "rtdose_expb.dcm");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void theNpmClientGetsFromServeWhatTheSourcesHoldAndWhatOrthancAnswers() throws Exception {
    Path corpus = Corpus.dir();
    LocalServers.clients();
    Path input = Files.createDirectories(dir.resolve("pacs"));
    Map<String, DicomFile> bySop = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    for (String name : FILES) {
      Path f = Files.copy(corpus.resolve("pydicom").resolve(name), input.resolve(name));
      files.add(f);
      DicomFile parsed = new P10Reader().read(f);
      bySop.put(parsed.dataSet().asciiString(Tag.SOPInstanceUID), parsed);
    }
    PipelineJar.run(dir.resolve("zip.log"), Duration.ofMinutes(5), "--input=" + input, "--output=" + dir.resolve("zip"));
    PipelineJar.run(dir.resolve("tree.log"), Duration.ofMinutes(5), "--input=" + input,
        "--output=" + dir.resolve("tree"), "--layout=tree");
    List<String> studies = new ArrayList<>(new TreeSet<>(bySop.values().stream()
        .map(f -> f.dataSet().asciiString(Tag.StudyInstanceUID)).toList()));

    Map<String, Path> results = new LinkedHashMap<>();
    try (LocalServers.Server serve = LocalServers.serve(dir.resolve("zip"), dir)) {
      LocalServers.viewerSequence(serve.root(), dir.resolve("client-serve"), List.of());
      results.put("serve", dir.resolve("client-serve"));
    }
    // A static server's study metadata is gzip whatever the client accepts, which Node's XMLHttpRequest does
    // not decode (a browser's does): the instances to ask for come from the sources then.
    List<Map<String, Object>> hints = new ArrayList<>();
    for (DicomFile f : bySop.values()) {
      hints.add(Map.of("study", f.dataSet().asciiString(Tag.StudyInstanceUID), "series",
          f.dataSet().asciiString(Tag.SeriesInstanceUID), "sop", f.dataSet().asciiString(Tag.SOPInstanceUID),
          "frames", sourceFrames(f).size()));
    }
    Path hintsFile = dir.resolve("hints.json");
    JSON.writeValue(hintsFile.toFile(), hints);
    List<String> nginxArgs = new ArrayList<>(List.of("--hints=" + hintsFile));
    nginxArgs.addAll(studies);
    try (LocalServers.Server nginx = LocalServers.nginx(dir.resolve("tree"), dir)) {
      LocalServers.viewerSequence(nginx.root(), dir.resolve("client-nginx"), nginxArgs);
      results.put("nginx (tree)", dir.resolve("client-nginx"));
      checkStaticMetadata(nginx.root(), dir.resolve("client-serve"), studies);
    }
    try (LocalServers.Server orthanc = LocalServers.orthanc(files, dir)) {
      LocalServers.viewerSequence(orthanc.root(), dir.resolve("client-orthanc"), List.of());
      results.put("orthanc", dir.resolve("client-orthanc"));
    }
    Map<String, Map<String, int[]>> table = new TreeMap<>();
    for (Map.Entry<String, Path> r : results.entrySet()) {
      for (JsonNode s : JSON.readTree(r.getValue().resolve("results.json").toFile())) {
        String kind = kind(s.path("step").asText());
        int[] counts = table.computeIfAbsent(kind, k -> new HashMap<>()).computeIfAbsent(r.getKey(), k -> new int[2]);
        counts[s.path("ok").asBoolean() ? 0 : 1]++;
      }
    }
    System.err.println("DicomWebClientsTest: steps answered (ok/failed) by the npm dicomweb-client's sequence:");
    System.err.printf("  %-34s %-14s %-14s %-14s%n", "step", "serve", "nginx (tree)", "orthanc");
    table.forEach((kind, byServer) -> System.err.printf("  %-34s %-14s %-14s %-14s%n", kind,
        cell(byServer.get("serve")), cell(byServer.get("nginx (tree)")), cell(byServer.get("orthanc"))));

    Path s = results.get("serve");
    for (JsonNode step : JSON.readTree(s.resolve("results.json").toFile())) {
      assertTrue(step.path("ok").asBoolean(), "serve: " + step);
    }
    checkFramesAndBulkData("serve", s, bySop, true);
    checkFramesAndBulkData("orthanc", results.get("orthanc"), bySop, false);
    checkRetrievedInstances(s, bySop);
    compareMetadata(s, results.get("orthanc"), studies);
    checkStaticAnswers(results.get("nginx (tree)"), s, studies);
  }

  private static String kind(String step) {
    String first = step.split(" ")[0];
    if (first.equals("retrieveInstanceFrames")) {
      return step.split(" ")[2].contains(",") ? "retrieveInstanceFrames (list)" : "retrieveInstanceFrames (one)";
    }
    if (first.equals("retrieveBulkData")) {
      return step.contains("(pixel data)") ? "retrieveBulkData (Pixel Data)" : "retrieveBulkData (other)";
    }
    return first;
  }

  private static String cell(int[] c) {
    return c == null ? "-" : c[0] + "/" + c[1];
  }

  /** Each frame the source holds, little endian (native frames of big endian sources swapped by their VR). */
  static List<byte[]> sourceFrames(DicomFile f) throws IOException {
    DicomElement pixels = f.dataSet().get(Tag.PixelData);
    List<byte[]> out = new ArrayList<>();
    if (pixels == null) {
      return out;
    }
    try (SourceBulkData source = SourceBulkData.open(Path.of(f.source()), f)) {
      for (Frame frame : FrameLocator.locate(f)) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (BulkData r : frame.ranges()) {
          if (pixels.isEncapsulated()) {
            source.reader().copy(r, b);
          } else {
            source.copy(ElementPath.of(Tag.PixelData), pixels.vr(), r, b);
          }
        }
        out.add(b.toByteArray());
      }
    }
    return out;
  }

  /**
   * Frames (one by one, as a list, and by Pixel Data's BulkDataURI) equal the source's. Orthanc answers compressed
   * frames transcoded when the client asks for application/octet-stream (the client's default), so for Orthanc only
   * native frames are compared.
   */
  private static void checkFramesAndBulkData(String server, Path out, Map<String, DicomFile> bySop, boolean all)
      throws IOException {
    int compared = 0;
    for (Map.Entry<String, DicomFile> e : bySop.entrySet()) {
      List<byte[]> expected = sourceFrames(e.getValue());
      boolean encapsulated = e.getValue().dataSet().get(Tag.PixelData) != null
          && e.getValue().dataSet().get(Tag.PixelData).isEncapsulated();
      if (!all && encapsulated) {
        continue;
      }
      for (int n = 1; n <= expected.size(); n++) {
        Path one = out.resolve("frames/" + e.getKey() + "/" + n + ".bin");
        assertArrayEquals(expected.get(n - 1), Files.readAllBytes(one), server + ": frame " + n + " of "
            + e.getValue().source());
        compared++;
        if (expected.size() > 1 && all) {
          assertArrayEquals(expected.get(n - 1), Files.readAllBytes(out.resolve("frame-lists/" + e.getKey() + "/" + n
              + ".bin")), server + ": frame " + n + " of the list, " + e.getValue().source());
        }
      }
    }
    System.err.println("DicomWebClientsTest: " + server + ": " + compared + " frames equal to the sources'");
    if (!all) {
      return;
    }
    // Bulk data: Pixel Data's URI gives the frames; the waveform's give the source's values (little endian).
    for (JsonNode step : JSON.readTree(out.resolve("results.json").toFile())) {
      String name = step.path("step").asText();
      if (!name.startsWith("retrieveBulkData")) {
        continue;
      }
      String[] words = name.split(" ");
      String sop = words[1];
      String uri = words[words.length - 1];
      Path folder = out.resolve(step.path("saved").asText());
      DicomFile source = bySop.get(sop);
      if (name.contains("(pixel data)")) {
        List<byte[]> expected = sourceFrames(source);
        for (int n = 1; n <= expected.size(); n++) {
          assertArrayEquals(expected.get(n - 1), Files.readAllBytes(folder.resolve(n + ".bin")), name);
        }
      } else {
        ElementPath path = ElementPath.parse(uri.substring(uri.indexOf("/bulkdata/") + "/bulkdata/".length()));
        DicomElement element = element(source, path);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (SourceBulkData data = SourceBulkData.open(Path.of(source.source()), source)) {
          data.copy(path, element.vr(), element.bulk(), b);
        }
        assertArrayEquals(b.toByteArray(), Files.readAllBytes(folder.resolve("1.bin")), name);
      }
    }
  }

  private static DicomElement element(DicomFile f, ElementPath path) {
    String[] parts = path.toString().split("/");
    org.pacsmigrate.format.dicom.DataSet ds = f.dataSet();
    for (int i = 0; i + 2 < parts.length; i += 2) {
      ds = ds.get((int) Long.parseLong(parts[i], 16)).items().get(Integer.parseInt(parts[i + 1]));
    }
    return ds.get((int) Long.parseLong(parts[parts.length - 1], 16));
  }

  /** Retrieve instance: Part 10 that the project's reader reads, the source's instance, little endian for native data. */
  private static void checkRetrievedInstances(Path out, Map<String, DicomFile> bySop) throws IOException {
    for (Map.Entry<String, DicomFile> e : bySop.entrySet()) {
      DicomFile retrieved = new P10Reader().read(out.resolve("instances/" + e.getKey() + ".dcm"));
      assertEquals(e.getKey(), retrieved.dataSet().asciiString(Tag.SOPInstanceUID));
      String expected = e.getValue().transferSyntax().encapsulated() ? e.getValue().transferSyntax().uid()
          : "1.2.840.10008.1.2.1";
      assertEquals(expected, retrieved.transferSyntax().uid(), e.getValue().source());
    }
  }

  /** Attributes whose form differs between the two servers by design, not in value (see the class comment). */
  static final Set<String> FORM_ONLY = Set.of(
      "00083002", // Available Transfer Syntax UID: the archive's (frames' syntax); Orthanc's own
      "04000561", // Original Attributes Sequence: the migration's audit trail, where reconciliation changed a value
      "FFFCFFFC"); // Data Set Trailing Padding: padding, not an attribute; the archive leaves it out, Orthanc does not

  /** serve's and Orthanc's study metadata, instance by instance, attribute by attribute. */
  private static void compareMetadata(Path serve, Path orthanc, List<String> studies) throws IOException {
    int attributes = 0;
    List<String> differences = new ArrayList<>();
    for (String study : studies) {
      Map<String, JsonNode> ours = bySop(JSON.readTree(serve.resolve("metadata/" + study + ".json").toFile()));
      Map<String, JsonNode> theirs = bySop(JSON.readTree(orthanc.resolve("metadata/" + study + ".json").toFile()));
      assertEquals(theirs.keySet(), ours.keySet(), "instances of study " + study);
      for (String sop : ours.keySet()) {
        JsonNode a = ours.get(sop);
        JsonNode b = theirs.get(sop);
        Set<String> tags = new TreeSet<>();
        a.fieldNames().forEachRemaining(tags::add);
        b.fieldNames().forEachRemaining(tags::add);
        for (String tag : tags) {
          if (FORM_ONLY.contains(tag)) {
            continue;
          }
          JsonNode x = a.get(tag);
          JsonNode y = b.get(tag);
          attributes++;
          if (tag.equals("7FE00010") && y == null && x.has("BulkDataURI")) {
            // Orthanc leaves out the Pixel Data of compressed instances; serve's names the frames.
            continue;
          }
          String why = differs(x, y);
          if (why != null) {
            differences.add(sop + " " + tag + ": " + why);
          }
        }
      }
    }
    System.err.println("DicomWebClientsTest: metadata compared with Orthanc's: " + attributes + " attributes, "
        + differences.size() + " differences" + (differences.isEmpty() ? "" : ":\n  " + String.join("\n  ",
        differences)));
    assertEquals(List.of(), differences);
  }

  private static Map<String, JsonNode> bySop(JsonNode array) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode i : array) {
      out.put(i.path("00080018").path("Value").path(0).asText(), i);
    }
    return out;
  }

  /** Null when equal in value; bulk data is compared by the frames and bulk data checks, not here. */
  static String differs(JsonNode x, JsonNode y) {
    if (x == null || y == null) {
      return (x == null ? "only Orthanc has it" : "only serve has it");
    }
    if (!x.path("vr").asText().equals(y.path("vr").asText())) {
      return "VR " + x.path("vr").asText() + " vs " + y.path("vr").asText();
    }
    if (x.has("BulkDataURI") || y.has("BulkDataURI") || x.has("InlineBinary") || y.has("InlineBinary")) {
      return null;
    }
    JsonNode a = x.path("Value");
    JsonNode b = y.path("Value");
    if (a.size() != b.size()) {
      return "value multiplicity " + a.size() + " vs " + b.size();
    }
    for (int i = 0; i < a.size(); i++) {
      JsonNode u = a.get(i);
      JsonNode v = b.get(i);
      if (u.isObject() && v.isObject() && "SQ".equals(x.path("vr").asText())) {
        Set<String> tags = new TreeSet<>();
        u.fieldNames().forEachRemaining(tags::add);
        v.fieldNames().forEachRemaining(tags::add);
        for (String tag : tags) {
          String why = differs(u.get(tag), v.get(tag));
          if (why != null) {
            return "item " + i + " " + tag + ": " + why;
          }
        }
      } else if (u.isNumber() && v.isNumber() && "FL".equals(x.path("vr").asText())) {
        // A 32-bit float: Orthanc prints it as the double it widens to, serve as the shortest float.
        if ((float) u.asDouble() != (float) v.asDouble()) {
          return "value " + i + " differs";
        }
      } else if (u.isNumber() && v.isNumber() ? u.asDouble() != v.asDouble() : !u.equals(v)) {
        return "value " + i + " differs";
      }
    }
    return null;
  }

  /**
   * The static tree's study metadata, to a client that takes gzip (as a browser does): the same instances and
   * attributes as serve's, BulkDataURIs aside (relative there, absolute from serve).
   */
  private static void checkStaticMetadata(String nginx, Path serve, List<String> studies) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String study : studies) {
      var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(nginx + "/studies/" + study
          + "/metadata")).header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers
          .ofInputStream());
      assertEquals(200, r.statusCode());
      assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(null));
      JsonNode a = JSON.readTree(new java.util.zip.GZIPInputStream(r.body()));
      JsonNode b = JSON.readTree(serve.resolve("metadata/" + study + ".json").toFile());
      assertEquals(b.size(), a.size());
      for (int i = 0; i < a.size(); i++) {
        // As sets: JavaScript puts keys that read as array indexes ("30040002") first when it parses JSON.
        Set<String> ta = new TreeSet<>();
        Set<String> tb = new TreeSet<>();
        a.get(i).fieldNames().forEachRemaining(ta::add);
        b.get(i).fieldNames().forEachRemaining(tb::add);
        assertEquals(tb, ta, "attributes of instance " + i + " of study " + study);
      }
    }
  }

  /**
   * What a static server answers the same client: each single frame (the same bytes); not frame lists, series
   * or instance metadata, searches or retrieve; its study metadata is gzip whether the client takes it or not.
   */
  private static void checkStaticAnswers(Path nginx, Path serve, List<String> studies) throws IOException {
    Set<String> answered = new TreeSet<>();
    Set<String> failed = new TreeSet<>();
    for (JsonNode step : JSON.readTree(nginx.resolve("results.json").toFile())) {
      (step.path("ok").asBoolean() ? answered : failed).add(kind(step.path("step").asText()));
    }
    assertEquals(Set.of("retrieveInstanceFrames (one)"), answered, "nginx answered");
    assertTrue(failed.containsAll(Set.of("searchForStudies", "retrieveStudyMetadata", "retrieveSeriesMetadata",
        "retrieveInstanceMetadata", "retrieveInstanceFrames (list)", "retrieveInstance")), "nginx failed " + failed);
    try (var frames = Files.walk(nginx.resolve("frames"))) {
      for (Path f : frames.filter(Files::isRegularFile).toList()) {
        assertArrayEquals(Files.readAllBytes(serve.resolve(nginx.relativize(f))), Files.readAllBytes(f), f.toString());
      }
    }
  }
}
