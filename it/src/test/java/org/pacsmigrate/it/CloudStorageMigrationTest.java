package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * The job reading {@code gs://} and writing {@code gs://}, on the in-memory Cloud Storage stand-in
 * ({@link InMemoryCloudStorage}) reached through {@code --gcsClientFactory}: the same code path as a real bucket
 * from the option down to the client's calls. A generated PACS is uploaded, migrated bucket to bucket on the
 * Direct runner in this JVM (the stand-in lives in this JVM's memory, so no forked runner can reach it), and its
 * outputs checked against a local run of the same files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudStorageMigrationTest {
  static final SamplePacs.Plan PLAN = new SamplePacs.Plan(6, 2, 3, 2, 4, 2, 2, 1, 2, 1, 11L);
  static final String BUCKET = "pacs-migration-test";
  static final String INPUT = "gs://" + BUCKET + "/legacy";

  private Storage storage;
  private Path work;
  private Path localInput;
  private List<SamplePacs.GeneratedFile> generated;
  private MigrationOutput local;

  @BeforeAll
  void uploadAGeneratedPacsAndMigrateItLocally(@TempDir Path work) throws Exception {
    this.work = work;
    storage = InMemoryCloudStorage.client();
    localInput = work.resolve("legacy");
    generated = SamplePacs.generate(localInput, PLAN);
    for (SamplePacs.GeneratedFile f : generated) {
      storage.create(BlobInfo.newBuilder(BUCKET, "legacy/" + relative(f.path())).build(),
          Files.readAllBytes(f.path()));
    }
    local = MigrationOutput.migrate(localInput, work.resolve("local"));
  }

  private String relative(Path file) {
    return localInput.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  /** Runs the job from the bucket into {@code gs://BUCKET/{prefix}}; returns its output, downloaded. */
  private MigrationOutput migrate(String prefix, String... options) throws IOException {
    String[] args = Stream.concat(Stream.of("--input=" + INPUT, "--output=gs://" + BUCKET + "/" + prefix,
        InMemoryCloudStorage.option()), Stream.of(options)).toArray(String[]::new);
    Set<String> tempBefore = tempFiles();
    String console = MigrationOutput.run(args);
    assertEquals(tempBefore, tempFiles(), "local temporary files left behind");
    Path copy = download(prefix + "/", work.resolve("downloaded-" + prefix));
    return MigrationOutput.read(copy, console);
  }

  /** {@code verify} reading the output and the sources from the bucket. */
  private void verifyPasses(String prefix, MigrationOutput out) {
    String console = MigrationOutput.run("verify", "--archive=gs://" + BUCKET + "/" + prefix, "--input=" + INPUT,
        InMemoryCloudStorage.option());
    assertTrue(console.contains("manifest: " + generated.size() + " rows for " + generated.size()
        + " files under the input, every file once"), console);
    long studies = out.count("studies");
    assertTrue(console.contains("verify: " + studies + " of " + studies + " studies OK, 0 failure(s)"), console);
  }

  private Path download(String prefix, Path dir) throws IOException {
    for (Blob blob : storage.list(BUCKET, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
      Path file = dir.resolve(blob.getName().substring(prefix.length()));
      Files.createDirectories(file.getParent());
      Files.write(file, blob.getContent());
    }
    return dir;
  }

  private static Set<String> tempFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dicomweb-migrate-"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private Map<String, Blob> objects(String prefix) {
    Map<String, Blob> objects = new TreeMap<>();
    for (Blob blob : storage.list(BUCKET, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
      objects.put(blob.getName().substring(prefix.length()), blob);
    }
    return objects;
  }

  /** Every uploaded object once, by its gs:// name and size, with the outcome the generator planned. */
  private void everyObjectOnceWithItsOutcome(MigrationOutput out) {
    Map<String, ManifestRow> rows = out.rows().stream()
        .collect(Collectors.toMap(ManifestRow::path, Function.identity()));
    assertEquals(generated.size(), out.rows().size(), "one row per object");
    for (SamplePacs.GeneratedFile f : generated) {
      String uri = INPUT + "/" + relative(f.path());
      ManifestRow row = rows.get(uri);
      assertTrue(row != null, uri + " is not in the manifest");
      assertEquals(f.expected(), row.outcome(), row.toString());
      assertEquals(f.path().toFile().length(), row.size(), row.toString());
      if (f.expected() != Outcome.REJECTED) {
        assertEquals(f.studyUid(), row.study(), row.toString());
      }
      if (row.outcome() == Outcome.DUPLICATE) {
        assertTrue(MigrationChecks.keptPath(row.reason()).startsWith(INPUT + "/"), row.reason());
      }
    }
  }

  @Test
  void zipLayoutFromBucketToBucket() throws Exception {
    MigrationOutput out = migrate("migrated-zip");
    everyObjectOnceWithItsOutcome(out);
    MigrationChecks.countsAddUp(out);
    MigrationChecks.sameZips(local, out);
    Map<String, Blob> objects = objects("migrated-zip/");
    for (Map.Entry<String, Blob> o : objects.entrySet()) {
      if (o.getKey().startsWith("archive/")) {
        assertTrue(o.getKey().matches("archive/[0-9.]+\\.zip"), o.getKey());
        assertEquals("application/zip", o.getValue().getContentType(), o.getKey());
      } else {
        assertTrue(Set.of("reports/manifest.csv", "reports/summary.json", "reports/conflicts.csv", "reports/conflicts.json",
            "reports/conflicts.html", "reports/resolutions-template.csv", "reports/missing-from-source.csv")
            .contains(o.getKey()),
            "nothing else is left in the output: " + o.getKey());
      }
    }
    assertTrue(out.console().contains("Archive:  gs://" + BUCKET + "/migrated-zip/archive"), out.console());
    verifyPasses("migrated-zip", out);
  }

  /**
   * The tree on Cloud Storage: one object per entry, the bytes of the local ZIPs' entries, with the headers that
   * let a client GET them directly: metadata as gzipped DICOM JSON, frames and bulk data as multipart/related
   * with the part's type and transfer syntax and the boundary of its first line.
   */
  @Test
  void treeLayoutFromBucketToBucket() throws Exception {
    MigrationOutput out = migrate("migrated-tree", "--layout=tree");
    everyObjectOnceWithItsOutcome(out);
    Map<String, byte[]> files = TreeLayout.files(out);
    TreeLayout.assertSame(TreeLayout.zipEntries(local), files);
    TreeLayout.countsAddUp(out, files);
    for (Map.Entry<String, Blob> o : objects("migrated-tree/archive/").entrySet()) {
      String name = o.getKey();
      Blob blob = o.getValue();
      if (name.endsWith("/metadata")) {
        assertEquals("application/dicom+json", blob.getContentType(), name);
        assertEquals("gzip", blob.getContentEncoding(), name);
        continue;
      }
      byte[] bytes = files.get(name);
      String[] head = new String(bytes, 0, Math.min(bytes.length, 400), StandardCharsets.US_ASCII).split("\r\n");
      String firstLine = head[0];
      String partType = head[1].replaceFirst("^Content-Type: ", "").replaceFirst(";.*", "");
      String syntax = head[1].replaceFirst(".*; transfer-syntax=", "");
      assertEquals("multipart/related; type=\"" + partType + "\"; transfer-syntax=" + syntax + "; boundary="
          + firstLine.substring(2),
          blob.getContentType(), name);
      assertEquals(null, blob.getContentEncoding(), name);
    }
    verifyPasses("migrated-tree", out);

    // A frame object changed in the bucket after the run: verify says so.
    String frame = objects("migrated-tree/archive/").keySet().stream().filter(n -> n.endsWith("/frames/1"))
        .findFirst().orElseThrow();
    byte[] bytes = files.get(frame).clone();
    int data = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
    bytes[data + 10] ^= 0x5A;
    storage.create(BlobInfo.newBuilder(BUCKET, "migrated-tree/archive/" + frame).build(), bytes);
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(console, true, StandardCharsets.UTF_8);
    assertEquals(1, org.pacsmigrate.pipeline.Main.run(new String[] {"verify",
        "--archive=gs://" + BUCKET + "/migrated-tree", "--input=" + INPUT, InMemoryCloudStorage.option()},
        print, print), console.toString(StandardCharsets.UTF_8));
    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains(" FAILED ("), printed);
  }
}
