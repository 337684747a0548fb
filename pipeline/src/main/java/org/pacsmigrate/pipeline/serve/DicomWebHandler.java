package org.pacsmigrate.pipeline.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.pacsmigrate.format.archive.ArchiveExporter;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.ArchivedInstance;
import org.pacsmigrate.format.archive.Multipart;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.archive.Uids;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WADO-RS and QIDO-RS (PS3.18) over a migration's archive, read only, with the service root at {@code /}: the
 * same paths as the tree layout. Every UID of a path is checked before anything is looked up, so a path that is
 * not the standard's is 404 without touching the file system; methods other than GET and HEAD are 405.
 */
final class DicomWebHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(DicomWebHandler.class);
  private static final String DICOM_JSON = "application/dicom+json";
  private static final byte[] CRLF = {'\r', '\n'};

  private final ServedArchive archive;
  private final QidoIndex index;
  private final MetadataCache cache = new MetadataCache(64L << 20);

  DicomWebHandler(ServedArchive archive, QidoIndex index) {
    this.archive = archive;
    this.index = index;
  }

  /** An answer other than 200, with a short reason (never a value from the archive). */
  static final class Status extends Exception {
    final int code;

    Status(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      String method = request.getMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        throw new Status(HttpStatus.METHOD_NOT_ALLOWED_405, "this archive is read only");
      }
      route(request, response);
      callback.succeeded();
    } catch (Status s) {
      error(request, response, callback, s.code, s.getMessage());
    } catch (Throwable t) {
      LOG.warn("{} {} failed: {}", request.getMethod(), request.getHttpURI().getPath(), t.toString());
      error(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "the archive could not be read");
    }
    return true;
  }

  private static void error(Request request, Response response, Callback callback, int code, String message) {
    if (response.isCommitted()) {
      callback.failed(new IOException(message));
    } else {
      Response.writeError(request, response, callback, code, message);
    }
  }

  private void route(Request request, Response response) throws Exception {
    String path = request.getHttpURI().getPath();
    if (path == null || !path.startsWith("/studies")) {
      throw notFound();
    }
    String[] p = path.substring(1).split("/", 9);
    if (!p[0].equals("studies") || p[p.length - 1].isEmpty() && p.length > 1) {
      throw notFound();
    }
    if (p.length == 1) {
      searchStudies(request, response);
      return;
    }
    String study = uid(p[1]);
    StudyFiles files = archive.study(study);
    if (files == null) {
      throw notFound();
    }
    if (p.length == 2) {
      retrieve(request, response, files, study, null, null);
      return;
    }
    switch (p[2]) {
      case "metadata" -> {
        requireLength(p, 3);
        metadata(request, response, files, study, null, null);
        return;
      }
      case "instances" -> {
        requireLength(p, 3);
        searchInstances(request, response, study, null);
        return;
      }
      case "series" -> {
        if (p.length == 3) {
          searchSeries(request, response, study);
          return;
        }
      }
      default -> throw notFound();
    }
    String series = uid(p[3]);
    if (p.length == 4) {
      retrieve(request, response, files, study, series, null);
      return;
    }
    switch (p[4]) {
      case "metadata" -> {
        requireLength(p, 5);
        metadata(request, response, files, study, series, null);
        return;
      }
      case "instances" -> {
        if (p.length == 5) {
          searchInstances(request, response, study, series);
          return;
        }
      }
      default -> throw notFound();
    }
    String sop = uid(p[5]);
    if (p.length == 6) {
      retrieve(request, response, files, study, series, sop);
      return;
    }
    switch (p[6]) {
      case "metadata" -> {
        requireLength(p, 7);
        metadata(request, response, files, study, series, sop);
      }
      case "frames" -> {
        requireLength(p, 8);
        frames(request, response, files, study, series, sop, p[7]);
      }
      case "bulkdata" -> {
        if (p.length < 8) {
          throw notFound();
        }
        String rest = path.substring(path.indexOf("/bulkdata/") + "/bulkdata/".length());
        String entry;
        try {
          entry = ArchiveLayout.entryFor(study, ArchiveLayout.framesUri(series, sop)
              .replaceFirst("frames$", "bulkdata/") + rest);
        } catch (IllegalArgumentException e) {
          throw notFound();
        }
        parts(request, response, files, List.of(entry));
      }
      default -> throw notFound();
    }
  }

  private static void requireLength(String[] p, int n) throws Status {
    if (p.length != n) {
      throw notFound();
    }
  }

  private static String uid(String s) throws Status {
    if (!Uids.isValid(s)) {
      throw notFound();
    }
    return s;
  }

  private static Status notFound() {
    return new Status(HttpStatus.NOT_FOUND_404, "no such resource in this archive");
  }

  /** The scheme and authority the client used, the base of every URI in an answer. */
  private static String base(Request request) {
    var uri = request.getHttpURI();
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  private static AcceptHeader accept(Request request) {
    List<String> values = request.getHeaders().getValuesList(HttpHeader.ACCEPT);
    return AcceptHeader.parse(values.isEmpty() ? null : String.join(",", values));
  }

  private static boolean gzip(Request request) {
    List<String> values = request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING);
    return !values.isEmpty() && AcceptHeader.acceptsGzip(String.join(",", values));
  }

  // ----------------------------------------------------------------------------------------------------------
  // Frames and bulk data: the stored parts, from the file to the socket.

  private static void frames(Request request, Response response, StudyFiles files, String study, String series,
      String sop, String list) throws Exception {
    String[] numbers = list.split(",", -1);
    if (numbers.length > 100_000) {
      throw notFound();
    }
    List<String> entries = new ArrayList<>(numbers.length);
    for (String n : numbers) {
      if (n.isEmpty() || n.length() > 9 || n.charAt(0) == '0' || !n.chars().allMatch(Character::isDigit)) {
        throw notFound();
      }
      entries.add(ArchiveLayout.framePath(study, series, sop, Integer.parseInt(n)));
    }
    parts(request, response, files, entries);
  }

  /** One multipart/related answer of the stored parts of {@code entries}, their data sent as stored. */
  private static void parts(Request request, Response response, StudyFiles files, List<String> entries)
      throws Exception {
    List<StoredPart> parts = new ArrayList<>(entries.size());
    for (String entry : entries) {
      StoredPart part = files.part(entry);
      if (part == null) {
        throw notFound();
      }
      parts.add(part);
    }
    StoredPart first = parts.get(0);
    for (StoredPart part : parts) {
      if (!part.contentType().equals(first.contentType())) {
        throw new Status(HttpStatus.NOT_ACCEPTABLE_406, "the parts asked for are of different types");
      }
    }
    if (!accept(request).acceptsMultipart(first.mediaType(), first.transferSyntax())) {
      throw new Status(HttpStatus.NOT_ACCEPTABLE_406, "stored as " + first.contentType()
          + "; this archive does not transcode");
    }
    String boundary = ArchiveLayout.BOUNDARY;
    byte[] head = Multipart.head(first.contentType(), boundary);
    byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    long length = end.length;
    for (StoredPart part : parts) {
      length += head.length + part.data().length() + CRLF.length;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE,
        Multipart.responseContentType(first.mediaType(), first.transferSyntax(), boundary));
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    if (request.getMethod().equals("HEAD")) {
      return;
    }
    StudyFiles.BufferSink sink = buffer -> Content.Sink.write(response, false, buffer);
    if (parts.stream().allMatch(p -> p.boundary().equals(boundary)
        && p.data().offset() - p.entry().offset() == head.length)) {
      // The stored entries are this answer's parts already: each part's head, data and the CRLF that starts the
      // next delimiter as one slice of the file, the last entry whole (its tail closes the body). One write per
      // frame, from the mapping.
      for (int k = 0; k < parts.size(); k++) {
        StudyFiles.Region entry = parts.get(k).entry();
        long n = k + 1 < parts.size() ? head.length + parts.get(k).data().length() + CRLF.length : entry.length();
        files.write(new StudyFiles.Region(entry.source(), entry.offset(), n), sink);
      }
      return;
    }
    for (StoredPart part : parts) {
      Content.Sink.write(response, false, ByteBuffer.wrap(head));
      files.write(part.data(), sink);
      Content.Sink.write(response, false, ByteBuffer.wrap(CRLF));
    }
    Content.Sink.write(response, true, ByteBuffer.wrap(end));
  }

  // ----------------------------------------------------------------------------------------------------------
  // Metadata

  private void metadata(Request request, Response response, StudyFiles files, String study, String series,
      String sop) throws Exception {
    if (!accept(request).acceptsDicomJson()) {
      throw new Status(HttpStatus.NOT_ACCEPTABLE_406, "metadata is application/dicom+json");
    }
    String studyBase = base(request) + "/studies/" + study + "/";
    String key = studyBase + "|" + series + "|" + sop;
    byte[] gzipped = cache.get(key);
    if (gzipped == null) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int n;
      try (InputStream raw = files.metadata(); MetadataInstances in = new MetadataInstances(raw);
          GZIPOutputStream gz = new GZIPOutputStream(bytes, 64 * 1024)) {
        n = MetadataRenderer.render(in, series, sop, studyBase, files::frameCount, gz);
      }
      if (n == 0) {
        throw notFound();
      }
      gzipped = bytes.toByteArray();
      cache.put(key, gzipped);
    }
    sendJson(request, response, gzipped, null);
  }

  /** Sends gzipped JSON as it is to a client that takes gzip, inflated to one that does not. */
  private static void sendJson(Request request, Response response, byte[] gzipped, String warning)
      throws IOException {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, DICOM_JSON);
    response.getHeaders().put(HttpHeader.VARY, "Accept-Encoding");
    if (warning != null) {
      response.getHeaders().put(HttpHeader.WARNING, warning);
    }
    byte[] body = gzipped;
    if (gzip(request)) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
    } else {
      try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
        body = in.readAllBytes();
      }
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (!request.getMethod().equals("HEAD")) {
      Content.Sink.write(response, true, ByteBuffer.wrap(body));
    }
  }

  // ----------------------------------------------------------------------------------------------------------
  // QIDO-RS

  private static final Set<String> STUDY_LEVEL = union(QidoIndex.STUDY_TAGS, List.of("00080061", "00201206",
      "00201208"));
  private static final Set<String> SERIES_LEVEL = union(QidoIndex.SERIES_TAGS, List.of("00201209"));
  private static final Set<String> INSTANCE_LEVEL = union(QidoIndex.INSTANCE_TAGS, List.of());

  private static Set<String> union(List<String> a, List<String> b) {
    Set<String> s = new HashSet<>(a);
    s.addAll(b);
    return s;
  }

  private static QidoQuery query(Request request, Set<String> level) throws Status {
    Map<String, List<String>> params = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    for (Fields.Field f : fields) {
      params.put(f.getName(), f.getValues());
    }
    try {
      QidoQuery q = QidoQuery.parse(params);
      for (String tag : q.unmatchable(level)) {
        q.ignored.add(tag);
      }
      return q;
    } catch (QidoQuery.BadQuery e) {
      throw new Status(HttpStatus.BAD_REQUEST_400, e.getMessage());
    }
  }

  private void searchStudies(Request request, Response response) throws Exception {
    QidoQuery q = query(request, STUDY_LEVEL);
    List<ObjectNode> results = new ArrayList<>();
    int skipped = 0;
    for (QidoIndex.Study s : index.studies()) {
      if (!q.matches(s.attributes(), STUDY_LEVEL)) {
        continue;
      }
      if (skipped++ < q.offset) {
        continue;
      }
      if (results.size() >= q.limit) {
        break;
      }
      ObjectNode out = s.attributes().deepCopy();
      QidoIndex.element(out, "00081190", "UR").putArray("Value").add(base(request) + "/studies/" + s.uid());
      QidoIndex.element(out, "00080056", "CS").putArray("Value").add("ONLINE");
      include(q, out, s.uid(), null, null);
      results.add(out);
    }
    sendResults(request, response, q, results);
  }

  private void searchSeries(Request request, Response response, String study) throws Exception {
    QidoIndex.Study s = index.study(study);
    if (s == null) {
      throw notFound();
    }
    QidoQuery q = query(request, SERIES_LEVEL);
    List<ObjectNode> results = new ArrayList<>();
    int skipped = 0;
    for (QidoIndex.Series series : s.series().values()) {
      if (!q.matches(series.attributes(), SERIES_LEVEL) || skipped++ < q.offset) {
        continue;
      }
      if (results.size() >= q.limit) {
        break;
      }
      ObjectNode out = series.attributes().deepCopy();
      QidoIndex.element(out, "00081190", "UR").putArray("Value")
          .add(base(request) + "/studies/" + study + "/series/" + series.uid());
      include(q, out, study, series.uid(), null);
      results.add(out);
    }
    sendResults(request, response, q, results);
  }

  private void searchInstances(Request request, Response response, String study, String seriesUid)
      throws Exception {
    QidoIndex.Study s = index.study(study);
    if (s == null || seriesUid != null && !s.series().containsKey(seriesUid)) {
      throw notFound();
    }
    QidoQuery q = query(request, INSTANCE_LEVEL);
    List<ObjectNode> results = new ArrayList<>();
    int skipped = 0;
    search:
    for (QidoIndex.Series series : s.series().values()) {
      if (seriesUid != null && !series.uid().equals(seriesUid)) {
        continue;
      }
      for (byte[] json : series.instances()) {
        ObjectNode instance = QidoIndex.parse(json);
        if (!q.matches(instance, INSTANCE_LEVEL) || skipped++ < q.offset) {
          continue;
        }
        if (results.size() >= q.limit) {
          break search;
        }
        String sop = MetadataInstances.text(instance, "00080018");
        QidoIndex.element(instance, "00081190", "UR").putArray("Value").add(base(request) + "/studies/" + study
            + "/series/" + series.uid() + "/instances/" + sop);
        QidoIndex.element(instance, "00080056", "CS").putArray("Value").add("ONLINE");
        include(q, instance, study, series.uid(), sop);
        results.add(instance);
      }
    }
    sendResults(request, response, q, results);
  }

  /**
   * includefield for attributes the index does not keep: read from the study's metadata (the first instance
   * of the study or series, or the instance itself). Bulk data is not included.
   */
  private void include(QidoQuery q, ObjectNode out, String study, String series, String sop) throws IOException {
    List<String> missing = new ArrayList<>();
    for (String tag : q.includeFields) {
      if (!out.has(tag)) {
        missing.add(tag);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    StudyFiles files = archive.study(study);
    try (InputStream raw = files.metadata(); MetadataInstances in = new MetadataInstances(raw)) {
      for (ObjectNode instance = in.next(); instance != null; instance = in.next()) {
        if (series != null && !series.equals(MetadataInstances.text(instance, "0020000E"))
            || sop != null && !sop.equals(MetadataInstances.text(instance, "00080018"))) {
          continue;
        }
        for (String tag : missing) {
          JsonNode v = instance.get(tag);
          if (v != null && !v.has("BulkDataURI")) {
            out.set(tag, v);
          }
        }
        return;
      }
    }
  }

  private static void sendResults(Request request, Response response, QidoQuery q, List<ObjectNode> results)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes);
        JsonGenerator g = MetadataInstances.JSON.getFactory().createGenerator(gz)) {
      g.writeStartArray();
      for (ObjectNode r : results) {
        g.writeTree(sorted(r));
      }
      g.writeEndArray();
    }
    String warning = q.ignored.isEmpty() ? null
        : "299 - \"not supported, ignored: " + String.join(", ", q.ignored).replace("\"", "") + "\"";
    sendJson(request, response, bytes.toByteArray(), warning);
  }

  /** Attributes in tag order, as DICOM JSON has them. */
  private static ObjectNode sorted(ObjectNode o) {
    ObjectNode out = MetadataInstances.JSON.createObjectNode();
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    for (String n : names) {
      out.set(n, o.get(n));
    }
    return out;
  }

  // ----------------------------------------------------------------------------------------------------------
  // Retrieve: Part 10 regenerated by the exporter

  private static void retrieve(Request request, Response response, StudyFiles files, String study, String series,
      String sop) throws Exception {
    try (StudyArchive archive = StudyArchive.open(files.location(), study)) {
      List<ArchivedInstance> instances = new ArrayList<>();
      for (ArchivedInstance i : ArchivedInstance.all(archive)) {
        if ((series == null || series.equals(i.seriesUid())) && (sop == null || sop.equals(i.sopUid()))) {
          instances.add(i);
        }
      }
      if (instances.isEmpty()) {
        throw notFound();
      }
      AcceptHeader accept = accept(request);
      List<String> syntaxes = new ArrayList<>();
      for (ArchivedInstance i : instances) {
        String syntax = exportSyntax(i, files);
        if (!accept.acceptsMultipart("application/dicom", syntax, false)) {
          throw new Status(HttpStatus.NOT_ACCEPTABLE_406, "instance " + i.sopUid() + " is stored as " + syntax
              + "; this archive does not transcode");
        }
        syntaxes.add(syntax);
      }
      String boundary = "pacsmigrate.serve." + UUID.randomUUID().toString().replace("-", "");
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE,
          "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
      if (request.getMethod().equals("HEAD")) {
        return;
      }
      ArchiveExporter exporter = new ArchiveExporter();
      try (OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 256 * 1024)) {
        for (int k = 0; k < instances.size(); k++) {
          out.write(Multipart.head("application/dicom; transfer-syntax=" + syntaxes.get(k), boundary));
          exporter.export(archive, instances.get(k), new NonClosing(out));
          out.write(CRLF);
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  /** What {@link ArchiveExporter} writes: the stored syntax for encapsulated frames, else Explicit VR LE. */
  private static String exportSyntax(ArchivedInstance i, StudyFiles files) throws IOException {
    TransferSyntax stored = TransferSyntax.forUid(i.transferSyntaxUid());
    return stored.encapsulated() && files.frameCount(i.seriesUid(), i.sopUid()) > 0 ? stored.uid()
        : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
