package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ManifestRow;

/** One finished migration run: its manifest, summary and study ZIPs, read back as an operator would. */
record MigrationOutput(Path dir, List<ManifestRow> rows, JsonNode summary, String console) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the job as {@code java -jar dicomweb-migrate.jar --input=... --output=...} would, in this JVM. */
  static MigrationOutput migrate(Path input, Path output) throws IOException {
    String console = run("--input=" + input, "--output=" + output);
    return read(output, console);
  }

  /** Runs Main with the arguments; fails unless it exits 0. Returns what it printed. */
  static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Main.run(args, out, out);
    String console = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(console);
    assertEquals(0, code, "exit code of " + String.join(" ", args) + "; it printed:\n" + console);
    return console;
  }

  static MigrationOutput read(Path output, String console) throws IOException {
    List<String> records = Csv.records(Files.readString(output.resolve("reports/manifest.csv")));
    assertEquals(ManifestRow.CSV_HEADER, records.get(0));
    List<ManifestRow> rows = new ArrayList<>();
    for (String r : records.subList(1, records.size())) {
      rows.add(ManifestRow.fromCsv(r));
    }
    return new MigrationOutput(output, rows, JSON.readTree(output.resolve("reports/summary.json").toFile()),
        console);
  }

  long count(String field) {
    return summary.get(field).asLong();
  }

  Path zip(String studyUid) {
    return dir.resolve("archive").resolve(studyUid + ".zip");
  }

  List<Path> zips() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("archive"))) {
      return s.filter(p -> p.toString().endsWith(".zip") && !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
  }

  /** A study ZIP's metadata entry: the DICOM JSON array of its instances. */
  JsonNode metadata(String studyUid) throws IOException {
    try (ZipFile zip = new ZipFile(zip(studyUid).toFile())) {
      ZipEntry metadata = zip.getEntry("studies/" + studyUid + "/metadata");
      if (metadata == null) {
        throw new AssertionError(zip(studyUid) + " has no metadata entry");
      }
      try (InputStream in = new GZIPInputStream(zip.getInputStream(metadata))) {
        return JSON.readTree(in);
      }
    }
  }

  /**
   * The SOP Instance UIDs in a study ZIP, from its metadata entry (README, "The archive"): a gzipped DICOM JSON
   * array, one object per instance.
   */
  Set<String> sopUidsInZip(String studyUid) throws IOException {
    try (ZipFile zip = new ZipFile(zip(studyUid).toFile())) {
      ZipEntry metadata = zip.getEntry("studies/" + studyUid + "/metadata");
      if (metadata == null) {
        throw new AssertionError(zip(studyUid) + " has no metadata entry");
      }
      Set<String> uids = new TreeSet<>();
      try (InputStream in = new GZIPInputStream(zip.getInputStream(metadata))) {
        for (JsonNode instance : JSON.readTree(in)) {
          JsonNode sop = instance.get("00080018");
          // A SOP Instance UID of VR UN (as in pydicom's rtdose_rle.dcm) is published as InlineBinary.
          uids.add(sop.has("Value") ? sop.get("Value").get(0).asText()
              : new String(java.util.Base64.getDecoder().decode(sop.get("InlineBinary").asText()),
                  java.nio.charset.StandardCharsets.US_ASCII).replaceAll("[\\u0000 ]+$", ""));
        }
      }
      return uids;
    }
  }
}
