package org.pacsmigrate.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.io.PartialFiles;
import org.pacsmigrate.transforms.gcs.CloudStorageOptions;
import org.pacsmigrate.transforms.gcs.InMemoryStorage;

/** What an earlier run left in the output is removed before the next starts; an output that is a file is refused. */
class OutputFolderTest {
  @TempDir Path dir;

  private static TreeSet<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(f -> root.relativize(f).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void prepareRemovesPartialFilesTemporaryReportFoldersAndTheEarlierReports() throws IOException {
    Path out = dir.resolve("out");
    Path archive = Files.createDirectories(out.resolve("archive"));
    Files.writeString(archive.resolve("1.2.3.zip"), "a complete study, kept");
    Files.writeString(archive.resolve("1.2.4.zip.partial"), "a study the rerun no longer has");
    Path frames = Files.createDirectories(archive.resolve("studies/1.2.5/series/1/instances/1/frames"));
    Files.writeString(frames.resolve("1"), "kept");
    Files.writeString(frames.resolve("2.partial"), "a tree entry not finished");
    Path reports = Files.createDirectories(out.resolve("reports"));
    Path temp = Files.createDirectories(reports.resolve(".temp-beam-3f2a/sub"));
    Files.writeString(temp.resolve("manifest-00000-of-00001.csv"), "x");
    Files.writeString(reports.resolve("conflicts.html.partial"), "x");
    Files.writeString(reports.resolve("manifest.csv"), "the earlier run's");
    Files.writeString(reports.resolve("summary.json"), "the earlier run's");
    Files.writeString(reports.resolve("conflicts.csv"), "kept until rewritten");

    assertEquals(4, OutputFolder.prepare(out.toString()));
    assertEquals(new TreeSet<>(List.of("archive/1.2.3.zip", "archive/studies/1.2.5/series/1/instances/1/frames/1",
        "reports/conflicts.csv")), files(out));
    assertFalse(Files.exists(reports.resolve(".temp-beam-3f2a")));
  }

  @Test
  void prepareCreatesTheOutputAndRefusesOneThatIsAFile() throws IOException {
    assertEquals(0, OutputFolder.prepare(dir.resolve("new/out").toString()));
    assertTrue(Files.isDirectory(dir.resolve("new/out")));
    assertFalse(Files.exists(dir.resolve("new/out/archive")), "created by the first study, not before");
    Path file = Files.writeString(dir.resolve("file"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OutputFolder.prepare(file.toString()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void prepareOfAFolderInsideAFileIsAnOutputFailure() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThrows(org.pacsmigrate.format.io.OutputWriteException.class,
        () -> OutputFolder.prepare(file.resolve("out").toString()));
  }

  @Test
  void tidyAfterAFailureDeletesThePartialFilesStillBeingWritten() throws IOException {
    Path out = dir.resolve("out");
    OutputFolder.prepare(out.toString());
    Files.createDirectories(out.resolve("archive"));
    Path partial = out.resolve("archive/1.2.3.zip.partial");
    try (var channel = PartialFiles.create(partial)) {
      assertTrue(OutputFolder.tidy(out.toString(), true) >= 1);
      assertFalse(Files.exists(partial));
      // Until the next run into it, no worker of this JVM starts a partial file in the failed run's output.
      assertThrows(org.pacsmigrate.format.io.OutputWriteException.class,
          () -> PartialFiles.create(out.resolve("archive/1.2.4.zip.partial")));
      PartialFiles.create(dir.resolve("elsewhere.partial")).close(); // other outputs are not affected
    }
    OutputFolder.prepare(out.toString());
    PartialFiles.create(out.resolve("archive/1.2.4.zip.partial")).close();
  }

  @Test
  void inABucketTheReportsFolderIsSwept() throws IOException {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.fromArgs(
        "--gcsClientFactory=" + InMemoryStorage.class.getName()).as(CloudStorageOptions.class));
    var storage = InMemoryStorage.client();
    String bucket = "output-folder-test";
    for (String name : List.of("out/reports/.temp-beam-1/manifest.csv", "out/reports/manifest.csv",
        "out/reports/summary.json", "out/reports/conflicts.csv", "out/archive/1.2.3.zip")) {
      storage.create(com.google.cloud.storage.BlobInfo.newBuilder(bucket, name).build(), new byte[] {1});
    }
    OutputFolder.prepare("gs://" + bucket + "/out");
    TreeSet<String> left = new TreeSet<>();
    storage.list(bucket).iterateAll().forEach(b -> left.add(b.getName()));
    assertEquals(new TreeSet<>(List.of("out/archive/1.2.3.zip", "out/reports/conflicts.csv")), left);
  }
}
