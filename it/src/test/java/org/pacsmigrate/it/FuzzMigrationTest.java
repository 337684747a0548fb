package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveExporter;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Issue 10's fuzz suite: a few thousand seeded mutations of the corpus ({@link CorpusMutations}: truncations,
 * byte flips, length field edits, edits of Rows, Columns, Bits Allocated, Samples per Pixel and Number of
 * Frames, unclosed items and sequences, deep nesting, deflate bombs, odd file names), migrated in ONE run of
 * the shaded jar on the Direct runner with {@code -Xmx512m}, then checked with the jar's {@code verify} and by
 * exporting every archived instance.
 *
 * <p>For every case: the job exits 0, the file has exactly one manifest row, the counts add up, every archived
 * instance exports and verifies whole. Where the mutation decides the outcome (a clean copy, a cut inside the
 * pixel data, a geometry edit whose figures no longer match the pixel bytes, an unclosed sequence...), that
 * outcome, and for a rejection the figures in its reason, are asserted. {@code -Dfuzz.seed=N} and
 * {@code -Dfuzz.perBase=N} (default 40 mutations per corpus file) change the set; the seed is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzMigrationTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
  private static final int PER_BASE = Integer.getInteger("fuzz.perBase", 40);
  private static final List<String> ODD_NAMES = List.of("with space.dcm", "comma,and\"quote.dcm", "#hash%41.dcm",
      "-leading-dash.dcm", "ünïcødé-名前.dcm", "[brackets]{braces}.dcm", "star*question?.dcm", "a'b;c&d.dcm",
      "x".repeat(200) + ".dcm", ".hidden.dcm", "no-extension", "UPPER.DCM");

  private Path input;
  private MigrationOutput out;
  private final Map<String, CorpusMutations.Case> byPath = new TreeMap<>();
  private String companionStudy;

  @BeforeAll
  void migrate(@TempDir Path dir) throws Exception {
    Path corpus = Corpus.dir();
    List<CorpusMutations.Base> bases = CorpusMutations.bases(corpus);
    assertTrue(bases.size() > 20, "corpus files to mutate: " + bases.size());
    CorpusMutations mutations = new CorpusMutations(SEED);
    mutations.mutate(bases, PER_BASE);
    CorpusMutations.Base companion = bases.stream().filter(b -> b.name().endsWith("CT_small.dcm")).findFirst()
        .orElse(bases.get(0));
    mutations.companions(companion, "companions");
    mutations.madeFiles();

    input = Files.createDirectories(dir.resolve("input"));
    int odd = 0;
    for (CorpusMutations.Case c : mutations.cases()) {
      String name = c.name();
      if (c.kind().equals("copy") && odd < ODD_NAMES.size()) {
        name = "odd/" + ODD_NAMES.get(odd++);
      }
      Path file = input.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, c.bytes());
      byPath.put(file.toString(), c);
      if (c.kind().equals("companion")) {
        companionStudy = c.study();
      }
    }
    long known = byPath.values().stream().filter(c -> c.expected() != null).count();
    System.out.println("FuzzMigrationTest: seed " + SEED + ", " + bases.size() + " corpus files, " + byPath.size()
        + " cases (" + known + " with a known outcome): " + byPath.values().stream()
        .collect(Collectors.groupingBy(CorpusMutations.Case::kind, TreeMap::new, Collectors.counting())));

    Path output = dir.resolve("output");
    String console = jar(dir.resolve("job.log"), Duration.ofMinutes(20), 0,
        "--input=" + input, "--output=" + output, "--targetParallelism=2");
    out = MigrationOutput.read(output, console);
  }

  /** {@code java -Xmx512m -jar dicomweb-migrate.jar ARGS}, bounded by {@code timeout}; asserts the exit code. */
  static String jar(Path log, Duration timeout, int exitCode, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PipelineJar.java().toString(), "-Xmx512m",
        "-XX:+ExitOnOutOfMemoryError", "-jar", PipelineJar.path().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("did not finish in " + timeout + " (a hang?): " + String.join(" ", args) + "\n" + PipelineJar.tail(log));
      }
    } finally {
      PipelineJar.stop(process, Duration.ofSeconds(20));
    }
    String console = Files.readString(log, StandardCharsets.UTF_8);
    if (exitCode < 0) {
      return console; // the caller judges the output
    }
    assertEquals(exitCode, process.exitValue(), String.join(" ", args) + "\n" + PipelineJar.tail(log));
    return console;
  }

  @Test
  void everyFileHasExactlyOneManifestRowAndTheCountsAddUp() throws IOException {
    MigrationChecks.everyFileOnce(input, out);
    MigrationChecks.countsAddUp(out);
    MigrationChecks.everyArchivedInstanceInItsZip(out);
  }

  @Test
  void everyCaseWithAKnownOutcomeHasIt() {
    List<String> wrong = new ArrayList<>();
    Map<String, int[]> tally = new TreeMap<>();
    for (ManifestRow row : out.rows()) {
      CorpusMutations.Case c = byPath.get(row.path());
      if (c == null || c.expected() == null) {
        continue;
      }
      int[] t = tally.computeIfAbsent(c.kind(), k -> new int[2]);
      t[0]++;
      boolean ok = row.outcome() == c.expected() && c.reasonHas().stream().allMatch(row.reason()::contains);
      if (ok) {
        t[1]++;
      } else {
        wrong.add(row.path().substring(input.toString().length() + 1) + ": expected " + c.expected().label()
            + " " + c.reasonHas() + ", got " + row.outcome().label() + " " + row.reason());
      }
    }
    tally.forEach((kind, t) -> System.out.println("  " + kind + ": " + t[1] + " of " + t[0] + " as expected"));
    assertTrue(wrong.isEmpty(), wrong.size() + " case(s) not as expected:\n" + String.join("\n",
        wrong.subList(0, Math.min(40, wrong.size()))));
  }

  @Test
  void aFileThatFailsIsRejectedAloneNeverItsStudy() {
    List<ManifestRow> rows = out.rows().stream().filter(r -> r.path().contains("/companions/")).toList();
    assertEquals(6, rows.size(), rows.toString());
    for (ManifestRow r : rows) {
      Outcome expected = r.path().contains("/clean-") ? Outcome.ARCHIVED : Outcome.REJECTED;
      assertEquals(expected, r.outcome(), r.toString());
    }
    assertEquals(3, out.rows().stream().filter(r -> r.outcome() == Outcome.ARCHIVED)
        .filter(r -> r.study().equals(companionStudy)).count());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everyArchivedInstanceExportsWhole(@TempDir Path exports) throws IOException {
    Map<String, Long> archivedByStudy = out.rows().stream().filter(r -> r.outcome() == Outcome.ARCHIVED)
        .collect(Collectors.groupingBy(ManifestRow::study, Collectors.counting()));
    List<String> failures = new ArrayList<>();
    int instances = 0;
    for (Path zip : out.zips()) {
      Path dir = Files.createDirectories(exports.resolve(zip.getFileName().toString()));
      try (StudyArchive archive = StudyArchive.open(zip)) {
        ArchiveExporter.Result result = new ArchiveExporter().exportEach(archive, null, dir);
        failures.addAll(result.failures());
        assertEquals(archivedByStudy.getOrDefault(archive.studyUid(), 0L), (long) result.written().size(),
            zip.toString());
        instances += result.written().size();
        for (Path p : result.written()) {
          Files.delete(p);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(out.count("archived"), instances);
  }

  @Test
  void verifyPassesOnEveryStudy(@TempDir Path logs) throws Exception {
    String console = jar(logs.resolve("verify.log"), Duration.ofMinutes(20), -1,
        "verify", "--archive=" + out.dir(), "--input=" + input);
    long studies = out.count("studies");
    String failures = console.lines().filter(l -> l.contains("FAILED") || l.startsWith("  "))
        .limit(60).collect(Collectors.joining("\n"));
    assertTrue(failures.isEmpty(), failures);
    assertTrue(console.contains("every file once"), PipelineJar.tail(logs.resolve("verify.log")));
    assertTrue(console.contains("verify: " + studies + " of " + studies + " studies OK, 0 failure(s)"),
        PipelineJar.tail(logs.resolve("verify.log")));
    assertTrue(console.contains("verify: "), "verify ran to its summary line");
  }

  /** The inflation limit is the job's option: raised, the same deflated file is archived whole. */
  @Test
  void theInflationLimitIsAnOption(@TempDir Path dir) throws Exception {
    CorpusMutations.Case bomb = byPath.values().stream().filter(c -> c.name().equals("made/deflated-bomb.dcm"))
        .findFirst().orElseThrow();
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("bomb.dcm"), bomb.bytes());
    Path output = dir.resolve("out");
    String console = jar(dir.resolve("job.log"), Duration.ofMinutes(10), 0,
        "--input=" + in, "--output=" + output, "--maxInflationRatio=100000");
    MigrationOutput raised = MigrationOutput.read(output, console);
    assertEquals(Outcome.ARCHIVED, raised.rows().get(0).outcome(), raised.rows().toString());
  }
}
