package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Output failures are the job's failures (issue 10, findings 3 and 9), run as an operator runs the job
 * ({@code java -jar}): a full disk, an output that is a file, a read-only output and reports that cannot be
 * written end the run with a non-zero exit code and one line naming the output; no source is marked
 * {@code rejected} for it; the studies already written are valid ZIPs; no {@code .partial} file or
 * {@code .temp-beam-*} folder outlives a run, and a run starts by removing what an earlier one left. The tests
 * that need a real full or read-only file system mount a small tmpfs and are skipped, visibly, without root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputFailureMigrationTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final String FAILED = "The job failed: cannot write the output ";

  private Path work;
  private Path input;
  private List<SamplePacs.GeneratedFile> generated;
  private long inputBytes;

  @BeforeAll
  void generate(@TempDir Path work) throws IOException {
    this.work = work;
    input = work.resolve("pacs");
    // The small sample (43 files, 5 studies, 360 KB): its ZIPs (290 KB) fill a disk of two
    // thirds its size partway: the first studies fit, the last ones do not.
    generated = SamplePacs.generate(input, SamplePacs.SMALL);
    try (Stream<Path> s = Files.walk(input)) {
      inputBytes = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void aFullDiskFailsTheRunNamingTheOutputAndARerunWithSpaceCompletesIt() throws Exception {
    Path out = work.resolve("full");
    try (SmallDisk disk = SmallDisk.mount(out, inputBytes * 2 / 3 / 1024)) {
      // One writer thread: the studies grouped in batches are ready at once, and three ZIPs growing side by side
      // could each be cut short by the full disk, leaving none whole to check.
      PipelineJar.Run run = jar("full", "--input=" + input, "--output=" + out, "--targetParallelism=1");
      assertEquals(1, run.exitCode(), run.console());
      // The first write that fails is a study's ZIP or the run's index, whichever the disk refuses first.
      assertTrue(run.console().contains(FAILED + out + ": " + out.resolve("archive"))
          || run.console().contains(FAILED + out + ": " + out.resolve("index")), run.console());
      assertTrue(run.console().contains("No space left on device"), run.console());
      assertFalse(run.console().contains("Done in"), "no counts of a completed run: " + run.console());
      noSourceRejectedForTheOutput(out);
      noTemporaryFiles(out);
      List<Path> zips = zips(out);
      assertFalse(zips.isEmpty(), "some studies fit on the disk before it filled up");
      for (Path zip : zips) {
        unzipTest(zip);
      }
      // verify does not pass a run that failed: it wrote no manifest.
      PipelineJar.Run verify = jar("full-verify", "verify", "--archive=" + out, "--input=" + input);
      assertNotEquals(0, verify.exitCode(), verify.console());

      // The operator frees space and reruns into the same output: it completes, as if nothing had happened.
      disk.resize(inputBytes * 4 / 1024);
      PipelineJar.Run rerun = jar("full-rerun", "--input=" + input, "--output=" + out);
      assertEquals(0, rerun.exitCode(), rerun.console());
      MigrationOutput done = MigrationOutput.read(out, rerun.console());
      MigrationChecks.everyFileOnce(input, done);
      MigrationChecks.generatedOutcomes(generated, SamplePacs.SMALL, done);
      MigrationChecks.countsAddUp(done);
      noTemporaryFiles(out);
      MigrationChecks.verifyPasses(done, input);
    }
  }

  @Test
  void aFullDiskFailsTheRunInTheTreeLayoutToo() throws Exception {
    Path out = work.resolve("full-tree");
    try (SmallDisk disk = SmallDisk.mount(out, inputBytes * 2 / 3 / 1024)) {
      PipelineJar.Run run = jar("full-tree", "--input=" + input, "--output=" + out, "--layout=tree");
      assertEquals(1, run.exitCode(), run.console());
      assertTrue(run.console().contains(FAILED + out + ": " + out.resolve("archive")), run.console());
      assertTrue(run.console().contains("No space left on device"), run.console());
      noSourceRejectedForTheOutput(out);
      noTemporaryFiles(out);
    }
  }

  @Test
  void anOutputThatIsAFileIsRefusedBeforeAnyWork() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "not a folder");
    PipelineJar.Run run = jar("file", "--input=" + input, "--output=" + file);
    assertEquals(2, run.exitCode(), run.console());
    assertTrue(run.console().contains("--output is not a folder: " + file), run.console());
    assertEquals("not a folder", Files.readString(file));
  }

  @Test
  void aReadOnlyOutputFailsBeforeAnyWork() throws Exception {
    Path out = work.resolve("read-only");
    try (SmallDisk disk = SmallDisk.mount(out, 1024)) {
      Files.createDirectories(out.resolve("archive"));
      disk.readOnly();
      PipelineJar.Run run = jar("read-only", "--input=" + input, "--output=" + out);
      assertEquals(1, run.exitCode(), run.console());
      assertTrue(run.console().contains(FAILED + out + ": " + out), run.console());
      assertTrue(run.console().contains(": Read-only file system; nothing was written"), run.console());
      assertFalse(run.console().contains("Migrating "), "refused before the job started: " + run.console());
    }
  }

  @Test
  void aReadOnlyReportsFolderFailsTheRunNamingIt() throws Exception {
    Path out = work.resolve("read-only-reports");
    try (SmallDisk disk = SmallDisk.mount(out, inputBytes * 4 / 1024)) {
      Files.createDirectories(out.resolve("reports"));
      disk.readOnlyBind(out.resolve("reports"));
      PipelineJar.Run run = jar("read-only-reports", "--input=" + input, "--output=" + out);
      assertEquals(1, run.exitCode(), run.console());
      assertTrue(run.console().contains(FAILED + out + ": " + out.resolve("reports")), run.console());
    }
  }

  @Test
  void reportsThatCannotBeWrittenFailTheRunOnTheDirectRunner() throws Exception {
    reportsThatCannotBeWritten("reports-direct");
  }

  @Test
  void reportsThatCannotBeWrittenFailTheRunOnAFlinkCluster() throws Exception {
    // The job's exception comes back from another JVM, through Flink's REST API, wrapped in Flink's own: the line
    // must still name the output. (Embedded Flink, --flinkMaster=[local], takes the same path in one JVM.)
    try (FlinkCluster cluster = FlinkCluster.start(work.resolve("cluster"), 2)) {
      reportsThatCannotBeWritten("reports-cluster", "--runner=FlinkRunner", "--flinkMaster=" + cluster.master(),
          "--parallelism=2");
    }
  }

  /** The summary's temporary name is taken by a folder with a file in it: the summary cannot be written. */
  private void reportsThatCannotBeWritten(String name, String... options) throws Exception {
    Path out = work.resolve(name);
    Files.createDirectories(out.resolve("reports/summary.json.partial"));
    Files.writeString(out.resolve("reports/summary.json.partial/in-the-way"), "x");
    List<String> args = new ArrayList<>(List.of("--input=" + input, "--output=" + out));
    args.addAll(List.of(options));
    PipelineJar.Run run = jar(name, args.toArray(String[]::new));
    assertEquals(1, run.exitCode(), run.console());
    assertTrue(run.console().contains(FAILED + out + ": " + out.resolve("reports/summary.json")), run.console());
    assertFalse(Files.exists(out.resolve("reports/summary.json")));
    noSourceRejectedForTheOutput(out);
    try (Stream<Path> s = Files.list(out.resolve("reports"))) {
      assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".temp-beam")), "no .temp-beam folder");
    }
  }

  @Test
  void aRunRemovesWhatAnEarlierOneLeftEvenForStudiesItNoLongerHas() throws Exception {
    Path small = input;
    Path out = work.resolve("leftovers");
    Files.createDirectories(out.resolve("archive/studies/1.2.999/series/1/instances/1/frames"));
    Files.writeString(out.resolve("archive/1.2.999.zip.partial"), "a study killed mid-write, not in this input");
    Files.writeString(out.resolve("archive/studies/1.2.999/series/1/instances/1/frames/1.partial"), "tree");
    Files.createDirectories(out.resolve("reports/.temp-beam-5d1c0e/sub"));
    Files.writeString(out.resolve("reports/.temp-beam-5d1c0e/sub/manifest-00000-of-00001.csv"), "x");
    PipelineJar.Run run = jar("leftovers", "--input=" + small, "--output=" + out);
    assertEquals(0, run.exitCode(), run.console());
    noTemporaryFiles(out);
    MigrationOutput done = MigrationOutput.read(out, run.console());
    MigrationChecks.everyFileOnce(small, done);
    MigrationChecks.verifyPasses(done, small);
  }

  /** No manifest row blames a source for the output: no row at all when the run wrote no manifest. */
  private static void noSourceRejectedForTheOutput(Path out) throws IOException {
    Path manifest = out.resolve("reports/manifest.csv");
    if (!Files.exists(manifest)) {
      return;
    }
    List<String> records = Csv.records(Files.readString(manifest));
    for (String record : records.subList(1, records.size())) {
      ManifestRow row = ManifestRow.fromCsv(record);
      assertFalse(row.outcome() == Outcome.REJECTED && row.reason().startsWith("study ZIP not written"),
          row.toString());
    }
  }

  /** No {@code *.partial} file and no {@code .temp-beam*} folder anywhere in the output. */
  private static void noTemporaryFiles(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      List<Path> left = s.filter(p -> p.getFileName().toString().endsWith(".partial")
          || p.getFileName().toString().startsWith(".temp-beam")).toList();
      assertEquals(List.of(), left);
    }
  }

  private static List<Path> zips(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve("archive"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".zip")).sorted().toList();
    }
  }

  /** Info-ZIP's own test of every entry (CRC included): an independent reader, not ours. */
  private static void unzipTest(Path zip) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("unzip", "-tq", zip.toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "unzip -t " + zip);
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "unzip -t " + zip + ": " + said);
  }

  /** {@code java -jar dicomweb-migrate.jar ARGS}, whatever its exit code. */
  private PipelineJar.Run jar(String name, String... args) throws IOException, InterruptedException {
    Path log = work.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(PipelineJar.java().toString(), "-jar",
        PipelineJar.path().toString()));
    command.addAll(List.of(args));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(String.join(" ", args) + " did not finish in " + TIMEOUT + ":\n"
            + PipelineJar.tail(log));
      }
    } finally {
      PipelineJar.stop(process, Duration.ofSeconds(20));
    }
    String console = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println("java -jar ... " + String.join(" ", args) + " -> exit " + process.exitValue() + "\n"
        + PipelineJar.tail(log));
    return new PipelineJar.Run(process.exitValue(), console, Duration.ofNanos(System.nanoTime() - start));
  }
}
