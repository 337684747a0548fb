package org.pacsmigrate.pipeline.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveExporter;
import org.pacsmigrate.format.archive.ArchivedInstance;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.BulkDataReader;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * {@code serve} with a real Jetty on a free loopback port and the JDK's HTTP client, over study ZIPs written
 * from the generated sample PACS and over the same studies unzipped into the tree layout: every answer is
 * checked against the sources (frames byte for byte) and the format's own reader and exporter.
 */
class ServeTest {
  @TempDir static Path dir;
  static ServeCommand zipServer;
  static ServeCommand treeServer;
  static Map<String, List<DicomFile>> studies;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    List<Path> archived = new ArrayList<>();
    for (SamplePacs.GeneratedFile f : SamplePacs.generate(dir.resolve("pacs"), SamplePacs.SMALL)) {
      if (f.expected() == Outcome.ARCHIVED) {
        archived.add(f.path());
      }
    }
    studies = ServeTestArchive.zips(archived, dir.resolve("zip-output"));
    ServeTestArchive.tree(dir.resolve("zip-output"), dir.resolve("tree-output"));
    zipServer = ServeCommand.start(dir.resolve("zip-output"), "127.0.0.1", 0);
    treeServer = ServeCommand.start(dir.resolve("tree-output"), "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    if (zipServer != null) {
      zipServer.close();
    }
    if (treeServer != null) {
      treeServer.close();
    }
  }

  static String root(ServeCommand s) {
    return "http://127.0.0.1:" + s.address().getPort();
  }

  static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> r) throws IOException {
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/dicom+json"));
    byte[] body = r.body();
    if (r.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
    }
    return JSON.readTree(body);
  }

  static String text(JsonNode ds, String tag) {
    JsonNode v = ds.path(tag).path("Value").path(0);
    return v.isObject() ? v.path("Alphabetic").asText() : v.isMissingNode() ? null : v.asText();
  }

  /** The parts of a multipart/related body: each part's headers (lower-case names) and bytes. */
  record Part(Map<String, String> headers, byte[] body) {}

  static List<Part> parts(HttpResponse<byte[]> r) {
    String type = r.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(type.startsWith("multipart/related"), type);
    String boundary = type.replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
    byte[] body = r.body();
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + delimiter.length <= body.length; i++) {
      if (Arrays.equals(body, i, i + delimiter.length, delimiter, 0, delimiter.length)
          && (i == 0 || body[i - 2] == '\r' && body[i - 1] == '\n')) {
        at.add(i);
        i += delimiter.length - 1;
      }
    }
    List<Part> parts = new ArrayList<>();
    for (int k = 0; k + 1 < at.size(); k++) {
      int start = at.get(k) + delimiter.length + 2;
      int end = at.get(k + 1) - 2;
      String s = new String(body, start, end - start, StandardCharsets.ISO_8859_1);
      int blank = s.indexOf("\r\n\r\n");
      Map<String, String> headers = new java.util.TreeMap<>();
      for (String line : s.substring(0, blank).split("\r\n")) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).strip());
      }
      parts.add(new Part(headers, Arrays.copyOfRange(body, start + blank + 4, end)));
    }
    String last = new String(body, at.get(at.size() - 1), body.length - at.get(at.size() - 1), StandardCharsets.US_ASCII);
    assertEquals("--" + boundary + "--\r\n", last);
    return parts;
  }

  static List<byte[]> sourceFrames(DicomFile f) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    try (BulkDataReader reader = BulkDataReader.open(Path.of(f.source()), f)) {
      for (Frame frame : FrameLocator.locate(f)) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (BulkData r : frame.ranges()) {
          reader.copy(r, b);
        }
        frames.add(b.toByteArray());
      }
    }
    return frames;
  }

  static DicomFile multiFrame() {
    return studies.values().stream().flatMap(List::stream)
        .filter(f -> f.dataSet().integer(Tag.NumberOfFrames, 1) > 2).findFirst().orElseThrow();
  }

  static String instancePath(DicomFile f) {
    return "/studies/" + f.dataSet().asciiString(Tag.StudyInstanceUID) + "/series/"
        + f.dataSet().asciiString(Tag.SeriesInstanceUID) + "/instances/" + f.dataSet().asciiString(Tag.SOPInstanceUID);
  }

  @Test
  void framesSingleAndListedAreTheSourceFramesWithTheirMediaType() throws Exception {
    DicomFile f = multiFrame();
    List<byte[]> expected = sourceFrames(f);
    for (ServeCommand server : List.of(zipServer, treeServer)) {
      HttpResponse<byte[]> one = get(root(server) + instancePath(f) + "/frames/2");
      assertEquals(200, one.statusCode());
      assertEquals("multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1;"
          + " boundary=pacsmigrate.archive.part.5f0c2b7e9d4a1836e7b0c5f2a9d3e618",
          one.headers().firstValue("Content-Type").orElseThrow());
      List<Part> p = parts(one);
      assertEquals(1, p.size());
      assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", p.get(0).headers().get("content-type"));
      assertArrayEquals(expected.get(1), p.get(0).body());

      HttpResponse<byte[]> list = get(root(server) + instancePath(f) + "/frames/3,1,3",
          "Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
      List<Part> three = parts(list);
      assertEquals(3, three.size());
      assertArrayEquals(expected.get(2), three.get(0).body());
      assertArrayEquals(expected.get(0), three.get(1).body());
      assertArrayEquals(expected.get(2), three.get(2).body());
      assertEquals(String.valueOf(list.body().length), list.headers().firstValue("Content-Length").orElseThrow());

      // Frames that do not exist, a frame 0, and a syntax that would need transcoding.
      assertEquals(404, get(root(server) + instancePath(f) + "/frames/1,999").statusCode());
      assertEquals(404, get(root(server) + instancePath(f) + "/frames/0").statusCode());
      assertEquals(404, get(root(server) + instancePath(f) + "/frames/01").statusCode());
      assertEquals(406, get(root(server) + instancePath(f) + "/frames/1",
          "Accept", "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50").statusCode());
      assertEquals(406, get(root(server) + instancePath(f) + "/frames/1",
          "Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.2")
          .statusCode());
      assertEquals(200, get(root(server) + instancePath(f) + "/frames/1", "Accept", "*/*").statusCode());
    }
  }

  @Test
  void studySeriesAndInstanceMetadataWithAbsoluteFetchableBulkDataUris() throws Exception {
    DicomFile f = multiFrame();
    String study = f.dataSet().asciiString(Tag.StudyInstanceUID);
    String series = f.dataSet().asciiString(Tag.SeriesInstanceUID);
    String sop = f.dataSet().asciiString(Tag.SOPInstanceUID);
    for (ServeCommand server : List.of(zipServer, treeServer)) {
      HttpResponse<byte[]> gz = get(root(server) + "/studies/" + study + "/metadata", "Accept-Encoding", "gzip");
      assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(null));
      HttpResponse<byte[]> plain = get(root(server) + "/studies/" + study + "/metadata");
      assertNull(plain.headers().firstValue("Content-Encoding").orElse(null), "no gzip unless accepted");
      JsonNode all = json(plain);
      assertEquals(all, json(gz));
      assertEquals(studies.get(study).size(), all.size());

      JsonNode seriesOnly = json(get(root(server) + "/studies/" + study + "/series/" + series + "/metadata"));
      assertTrue(seriesOnly.size() >= 1 && seriesOnly.size() < all.size() || all.size() == seriesOnly.size());
      for (JsonNode i : seriesOnly) {
        assertEquals(series, text(i, "0020000E"));
      }
      JsonNode one = json(get(root(server) + instancePath(f) + "/metadata"));
      assertEquals(1, one.size());
      assertEquals(sop, text(one.get(0), "00080018"));

      String pixels = one.get(0).path("7FE00010").path("BulkDataURI").asText();
      int frames = (int) f.dataSet().integer(Tag.NumberOfFrames, 1);
      StringBuilder list = new StringBuilder();
      for (int n = 1; n <= frames; n++) {
        list.append(n == 1 ? "" : ",").append(n);
      }
      assertEquals(root(server) + instancePath(f) + "/frames/" + list, pixels);
      List<Part> fetched = parts(get(pixels));
      List<byte[]> expected = sourceFrames(f);
      assertEquals(expected.size(), fetched.size());
      for (int n = 0; n < expected.size(); n++) {
        assertArrayEquals(expected.get(n), fetched.get(n).body());
      }
      // Every BulkDataURI is absolute and fetchable.
      List<String> uris = new ArrayList<>();
      all.findValues("BulkDataURI").forEach(u -> uris.add(u.asText()));
      for (String uri : uris) {
        assertTrue(uri.startsWith(root(server) + "/studies/" + study + "/series/"), uri);
        assertEquals(200, get(uri).statusCode(), uri);
      }
      assertEquals(404, get(root(server) + "/studies/" + study + "/series/1.2.3.4/metadata").statusCode());
    }
  }

  @Test
  void qidoMatchesAsTheStandardSays() throws Exception {
    for (ServeCommand server : List.of(zipServer, treeServer)) {
      String r = root(server);
      JsonNode all = json(get(r + "/studies"));
      assertEquals(studies.size(), all.size());
      JsonNode first = all.get(0);
      String patientId = text(first, "00100020");
      String name = text(first, "00100010");
      String date = text(first, "00080020");
      String uid = text(first, "0020000D");
      assertEquals(r + "/studies/" + uid, text(first, "00081190"));
      assertEquals(studies.get(uid).stream().map(d -> d.dataSet().asciiString(Tag.SeriesInstanceUID)).distinct()
          .count(), first.path("00201206").path("Value").path(0).asLong());
      assertEquals(studies.get(uid).size(), first.path("00201208").path("Value").path(0).asLong());

      for (JsonNode s : json(get(r + "/studies?PatientID=" + patientId))) {
        assertEquals(patientId, text(s, "00100020"));
      }
      JsonNode byName = json(get(r + "/studies?PatientName=" + enc(name.substring(0, 2).toLowerCase() + "*")));
      assertTrue(byName.size() >= 1);
      byName.forEach(s -> assertTrue(text(s, "00100010").toLowerCase().startsWith(name.substring(0, 2).toLowerCase())));
      assertEquals(0, json(get(r + "/studies?PatientName=" + enc(name + "X"))).size());
      assertEquals(studies.size(), json(get(r + "/studies?PatientName=*")).size(), "* is universal matching");
      assertTrue(json(get(r + "/studies?00100010=" + enc("*" + name.substring(1)))).size() >= 1);
      JsonNode byUid = json(get(r + "/studies?StudyInstanceUID=" + uid + ",1.2.3"));
      assertEquals(1, byUid.size());
      assertTrue(json(get(r + "/studies?StudyDate=" + date + "-" + date)).size() >= 1);
      assertTrue(json(get(r + "/studies?StudyDate=-" + date)).size() >= 1);
      for (JsonNode s : json(get(r + "/studies?StudyDate=" + date + "-"))) {
        assertTrue(text(s, "00080020").compareTo(date) >= 0);
      }
      assertEquals(0, json(get(r + "/studies?StudyDate=19000101-19000102")).size());
      String modality = first.path("00080061").path("Value").path(0).asText();
      assertTrue(json(get(r + "/studies?ModalitiesInStudy=" + modality)).size() >= 1);
      assertEquals(0, json(get(r + "/studies?ModalitiesInStudy=XX")).size());
      String accession = text(first, "00080050");
      if (accession != null) {
        assertTrue(json(get(r + "/studies?AccessionNumber=" + enc(accession))).size() >= 1);
      }
      JsonNode page = json(get(r + "/studies?limit=2&offset=1"));
      assertEquals(Math.min(2, studies.size() - 1), page.size());
      assertEquals(text(all.get(1), "0020000D"), text(page.get(0), "0020000D"));
      assertEquals(400, get(r + "/studies?limit=-1").statusCode());
      HttpResponse<byte[]> ignored = get(r + "/studies?NoSuchKey=1");
      assertEquals(200, ignored.statusCode());
      assertTrue(ignored.headers().firstValue("Warning").orElse("").contains("NoSuchKey"));
      // includefield of an attribute the index does not keep comes from the metadata.
      JsonNode included = json(get(r + "/studies?StudyInstanceUID=" + uid + "&includefield=00080070,StudyID"));
      assertFalse(included.get(0).path("00200010").isMissingNode());

      JsonNode series = json(get(r + "/studies/" + uid + "/series"));
      assertEquals(first.path("00201206").path("Value").path(0).asInt(), series.size());
      String seriesUid = text(series.get(0), "0020000E");
      JsonNode instances = json(get(r + "/studies/" + uid + "/series/" + seriesUid + "/instances"));
      assertEquals(series.get(0).path("00201209").path("Value").path(0).asInt(), instances.size());
      String sop = text(instances.get(0), "00080018");
      assertEquals(1, json(get(r + "/studies/" + uid + "/series/" + seriesUid + "/instances?SOPInstanceUID=" + sop))
          .size());
      assertEquals(studies.get(uid).size(), json(get(r + "/studies/" + uid + "/instances")).size());
      assertEquals(1, json(get(r + "/studies/" + uid + "/series?SeriesInstanceUID=" + seriesUid)).size());
      assertEquals(404, get(r + "/studies/1.2.3/series").statusCode());
    }
  }

  @Test
  void retrieveIsPart10FromTheExporter() throws Exception {
    DicomFile f = multiFrame();
    String study = f.dataSet().asciiString(Tag.StudyInstanceUID);
    for (ServeCommand server : List.of(zipServer, treeServer)) {
      HttpResponse<byte[]> r = get(root(server) + instancePath(f),
          "Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElseThrow()
          .startsWith("multipart/related; type=\"application/dicom\""));
      List<Part> p = parts(r);
      assertEquals(1, p.size());
      assertEquals("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", p.get(0).headers().get("content-type"));
      java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
      try (StudyArchive archive = StudyArchive.open(dir.resolve("zip-output/archive/" + study + ".zip"))) {
        ArchivedInstance i = ArchivedInstance.all(archive).stream()
            .filter(a -> a.sopUid().equals(f.dataSet().asciiString(Tag.SOPInstanceUID))).findFirst().orElseThrow();
        new ArchiveExporter().export(archive, i, expected);
      }
      assertArrayEquals(expected.toByteArray(), p.get(0).body());
      Path copy = Files.write(dir.resolve("retrieved-" + server.address().getPort() + ".dcm"), p.get(0).body());
      DicomFile read = new P10Reader().read(copy);
      assertEquals(f.dataSet().asciiString(Tag.SOPInstanceUID), read.dataSet().asciiString(Tag.SOPInstanceUID));

      assertEquals(studies.get(study).size(), parts(get(root(server) + "/studies/" + study)).size());
      assertEquals(406, get(root(server) + instancePath(f), "Accept",
          "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50").statusCode());
    }
  }

  @Test
  void readOnlyAndPathsThatAreNotUidsNeverReachTheFileSystem() throws Exception {
    DicomFile f = multiFrame();
    String r = root(zipServer);
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<byte[]> resp = HTTP.send(HttpRequest.newBuilder(URI.create(r + "/studies"))
          .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(405, resp.statusCode(), method);
    }
    for (String path : List.of("/", "/studies/", "/studies/abc/metadata", "/studies/1.2.03/metadata",
        "/studies/..%2F..%2Fetc/metadata", "/studies/1.2/../../etc/passwd", "/archive/x.zip", "/studies/1.2.3/metadata",
        instancePath(f) + "/bulkdata/../../metadata", instancePath(f) + "/bulkdata/7FE0001", instancePath(f) + "/frames",
        "/studies/1.2.3/series/4.5/instances/6.7/frames/1", instancePath(f) + "/rendered")) {
      int status = get(r + path).statusCode();
      assertTrue(status == 404 || status == 400, path + ": " + status);
    }
    assertEquals("127.0.0.1", zipServer.address().getHostString());
  }

  @Test
  void theArchiveHasNoOtherCopy() throws Exception {
    // Served from the ZIPs: nothing was unzipped next to them.
    try (var files = Files.list(dir.resolve("zip-output/archive"))) {
      assertTrue(files.allMatch(p -> p.toString().endsWith(".zip")));
    }
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }


}
