package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * {@code --every}: each pass is a whole run that builds on the pass before, as separate runs would; the passes
 * stop when told, when one fails, and never start with arguments that could not make delta passes.
 */
class RepeatedPassesTest {
  /** Three studies of 2 to 3 files, nothing odd. */
  private static final SamplePacs.Plan PLAN = new SamplePacs.Plan(3, 1, 1, 2, 3, 0, 0, 0, 0, 0, 11L);

  @Test
  void durationsAreReadAsOperatorsWriteThem() {
    assertEquals(Duration.ofSeconds(30), RepeatedPasses.parse("30s"));
    assertEquals(Duration.ofMinutes(15), RepeatedPasses.parse("15m"));
    assertEquals(Duration.ofHours(2), RepeatedPasses.parse("2h"));
    assertEquals(Duration.ofMillis(500), RepeatedPasses.parse("500ms"));
    assertEquals(Duration.ofSeconds(90), RepeatedPasses.parse("PT1M30S"));
    assertEquals(Duration.ZERO, RepeatedPasses.parse("0s"));
    for (String bad : List.of("15", "m", "", "1d", "-5m", "15 minutes", "PT-5M")) {
      UsageException e = assertThrows(UsageException.class, () -> RepeatedPasses.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("--every=" + bad + ": "), e.getMessage());
    }
    assertEquals("1m30s", RepeatedPasses.show(Duration.ofSeconds(90)));
    assertEquals("2h", RepeatedPasses.show(Duration.ofHours(2)));
    assertEquals("1h5s", RepeatedPasses.show(Duration.ofSeconds(3605)));
    assertEquals("500ms", RepeatedPasses.show(Duration.ofMillis(500)));
    assertEquals("0s", RepeatedPasses.show(Duration.ZERO));
  }

  @Test
  void argumentsThatCannotMakeDeltaPassesStopBeforeAnyPass(@TempDir Path work) throws IOException {
    String input = "--input=" + generated(work);
    String output = "--output=" + work.resolve("out");
    assertRefused("--passes needs --every", input, output, "--passes=2");
    assertRefused("--passes must be at least 1, not 0", input, output, "--every=1m", "--passes=0");
    assertRefused("--every=soon: give a duration", input, output, "--every=soon");
    assertRefused("--every needs --input", output, "--every=1m");
    assertRefused("--full would read every file", input, output, "--every=1m", "--full");
    assertRefused("a dry run keeps no index", input, output, "--every=1m", "--dryRun");
    assertRefused("a gs:// output keeps no index", input, "--output=gs://bucket/out", "--every=1m");
    assertFalse(Files.exists(work.resolve("out")), "no pass ran");
  }

  @Test
  void eachPassDoesWhatChangedSinceThePassBefore(@TempDir Path work) throws IOException {
    Path source = generated(work);
    Path out = work.resolve("out");
    List<Instant> waitedFor = new ArrayList<>();
    List<Instant> passStarts = new ArrayList<>();
    RepeatedPasses.Wait changeTheSource = when -> {
      waitedFor.add(when);
      try {
        if (waitedFor.size() == 1) {
          SamplePacs.generate(source.resolve("incoming"), new SamplePacs.Plan(1, 1, 1, 2, 2, 0, 0, 0, 0, 0, 98L));
        } else {
          deleteTree(source.resolve("study-01"));
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = RepeatedPasses.run(new String[] {"--input=" + source, "--output=" + out, "--every=1h", "--passes=3"},
        new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.systemUTC(), changeTheSource);
    String console = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(console);
    assertEquals(0, code, console);

    List<String> passes = split(console);
    assertEquals(3, passes.size(), console);
    assertTrue(passes.get(0).contains("\nFull run: no index of an earlier run in "), passes.get(0));
    assertTrue(passes.get(1).contains("\nDelta:    1 studies written, 3 left as they were"), passes.get(1));
    assertTrue(passes.get(2).contains("\nDelta:    0 studies written, 3 left as they were"), passes.get(2));
    assertTrue(passes.get(2).contains(", 1 missing from source (kept; "), passes.get(2));
    assertTrue(console.endsWith("Stopped after 3 passes (--passes=3)\n"), console);

    // Start to start: the next pass is due an hour after the last one started, whatever that one took.
    Matcher started = Pattern.compile("(?m)^Pass \\d of 3 at (\\S+) \\(every 1h\\)$").matcher(console);
    while (started.find()) {
      passStarts.add(Instant.parse(started.group(1)));
    }
    assertEquals(3, passStarts.size());
    assertEquals(2, waitedFor.size(), "no wait after the last pass");
    for (int i = 0; i < 2; i++) {
      Duration after = Duration.between(passStarts.get(i), waitedFor.get(i));
      assertTrue(after.compareTo(Duration.ofHours(1)) >= 0 && after.compareTo(Duration.ofMinutes(61)) < 0,
          "pass " + (i + 2) + " is due " + after + " after pass " + (i + 1) + " started");
    }

    // The last pass's reports describe the whole source as it is now, and the study gone from it.
    List<ManifestRow> rows = VerifyCommand.readManifest(out.resolve("reports/manifest.csv").toString());
    Set<String> paths = rows.stream().map(ManifestRow::path).collect(Collectors.toSet());
    assertEquals(files(source), paths);
    assertTrue(rows.stream().allMatch(r -> r.outcome() == Outcome.ARCHIVED), "every file archived");
    assertEquals(2, Files.readAllLines(out.resolve("reports/missing-from-source.csv")).size(),
        "a header and the study gone from the source");
    assertEquals(4, zips(out).size(), "the study gone from the source keeps its ZIP");
    assertEquals(0, Main.run(new String[] {"verify", "--archive=" + out, "--input=" + source},
        new PrintStream(new ByteArrayOutputStream()), System.err), "verify passes");
  }

  @Test
  void aPassThatFailsStopsThePassesWithItsExitCode(@TempDir Path work) throws IOException {
    Path source = generated(work);
    Path out = work.resolve("out");
    List<Instant> waits = new ArrayList<>();
    RepeatedPasses.Wait breakTheOutput = when -> {
      waits.add(when);
      try {
        // The reports folder replaced by a file: the next pass cannot write its reports.
        deleteTree(out.resolve("reports"));
        Files.writeString(out.resolve("reports"), "not a folder");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    };
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = RepeatedPasses.run(new String[] {"--input=" + source, "--output=" + out, "--every=10m"},
        new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.systemUTC(), breakTheOutput);
    String console = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, console);
    assertEquals(1, waits.size());
    assertTrue(console.contains("\nPass 2 at "), console);
    assertTrue(console.endsWith("Stopped: pass 2 failed (exit code 1)\n"), console);
    assertTrue(console.contains("\nThe job failed: cannot write the output " + out), console);
    assertEquals("not a folder", Files.readString(out.resolve("reports")));
  }

  /** The sample source, in {@code work/pacs}. */
  private static Path generated(Path work) throws IOException {
    Path source = work.resolve("pacs");
    SamplePacs.generate(source, PLAN);
    return source;
  }

  /** Each pass's lines, from its "Pass N" line on. */
  private static List<String> split(String console) {
    List<String> passes = new ArrayList<>();
    for (String part : console.split("(?m)^(?=Pass \\d+ of \\d+ at )")) {
      if (!part.isEmpty()) {
        passes.add(part);
      }
    }
    return passes;
  }

  private static void assertRefused(String message, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, said);
    assertTrue(said.startsWith("error: ") && said.contains(message), said);
  }

  private static Set<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(Path::toString).collect(Collectors.toSet());
    }
  }

  private static List<Path> zips(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve("archive"))) {
      return s.filter(p -> p.toString().endsWith(".zip")).toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
