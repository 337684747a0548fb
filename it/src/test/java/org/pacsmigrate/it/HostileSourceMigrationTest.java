package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.io.SourcePaths;

/**
 * The accounting under hostile sources, with the real jar in a JVM of its own: names with line breaks and
 * separators, names that are not UTF-8, all of it under {@code LANG=POSIX}; FIFOs, sockets and symbolic links
 * (loops, dangling, out of the input). Every entry is one manifest row, {@code verify} agrees, and {@code verify}
 * fails when a row is taken away. Bad command lines are refused before any work.
 */
class HostileSourceMigrationTest {
  private static final Map<String, String> POSIX = Map.of("LANG", "POSIX", "LC_ALL", "POSIX");
  /** Names below the input, in the manifest's escaped form (the bytes the test creates). */
  private static final List<String> ODD_NAMES = List.of("new%0Aline.dcm", "carriage%0Dreturn.dcm",
      "line%E2%80%A8separator.dcm", "next%C2%85line.dcm", "caf%E9.dcm", "M%FCller/scan.dcm", "100%25 sure.dcm",
      "Ärzte/ü.dcm");

  @TempDir Path work;

  /** Before: 6 of these names vanished (1 row for a folder of 6), and verify said "every file once". */
  @Test
  void everyEntryIsOneRowUnderThePosixLocaleAndVerifyAgrees() throws Exception {
    Path input = work.resolve("pacs");
    Map<String, Outcome> expected = oddPacs(input);
    Path output = work.resolve("out");

    Run run = jar(POSIX, "--input=" + input, "--output=" + output);
    assertEquals(0, run.exitCode, run.console);
    MigrationOutput out = MigrationOutput.read(output, run.console);
    Map<String, Long> times = out.rows().stream().collect(Collectors.groupingBy(ManifestRow::path,
        Collectors.counting()));
    assertEquals(expected.keySet(), times.keySet(), "one row per entry, paths escaped");
    times.forEach((path, n) -> assertEquals(1L, n, path));
    Map<String, ManifestRow> rows = out.rows().stream().collect(Collectors.toMap(ManifestRow::path,
        Function.identity()));
    expected.forEach((path, outcome) -> assertEquals(outcome, rows.get(path).outcome(), path + ": "
        + rows.get(path).reason()));
    String root = SourcePaths.of(input);
    assertTrue(rows.get(root + "/fifo").reason().contains("FIFO"), rows.get(root + "/fifo").reason());
    assertTrue(rows.get(root + "/link.dcm").reason().contains("--followLinks"));
    assertTrue(Files.readString(output.resolve("reports/manifest.csv")).lines().count() == expected.size() + 1,
        "every row is one line");
    MigrationChecks.countsAddUp(out);

    Run verify = jar(POSIX, "verify", "--archive=" + output, "--input=" + input);
    assertEquals(0, verify.exitCode, verify.console);
    assertTrue(verify.console.contains("manifest: " + expected.size() + " rows for " + expected.size()
        + " files under the input, every file once"), verify.console);

    // A row taken away: verify counts the source on its own and fails, naming the entry.
    Path manifest = output.resolve("reports/manifest.csv");
    String text = Files.readString(manifest, StandardCharsets.UTF_8);
    String row = text.lines().filter(l -> l.startsWith(root + "/caf%E9.dcm,")).findFirst().orElseThrow();
    Files.writeString(manifest, text.replace(row + "\n", ""), StandardCharsets.UTF_8);
    Run failed = jar(POSIX, "verify", "--archive=" + output, "--input=" + input);
    assertEquals(1, failed.exitCode, failed.console);
    assertTrue(failed.console.contains("MANIFEST FAILED"), failed.console);
    assertTrue(failed.console.contains("missing: " + root + "/caf%E9.dcm"), failed.console);

    // A row twice: the same.
    Files.writeString(manifest, text + row + "\n", StandardCharsets.UTF_8);
    Run twice = jar(POSIX, "verify", "--archive=" + output, "--input=" + input);
    assertEquals(1, twice.exitCode, twice.console);
    assertTrue(twice.console.contains("listed 2 times: " + root + "/caf%E9.dcm"), twice.console);
  }

  /** Before: a loop turned 3 files into 161 rows, a dangling link vanished, a link out of the input was read. */
  @Test
  void linksAreRowsUnlessFollowedAndFollowedLinksStopAtLoops() throws Exception {
    Path input = work.resolve("pacs");
    List<SamplePacs.GeneratedFile> files = SamplePacs.generate(work.resolve("gen"), SamplePacs.SMALL);
    List<SamplePacs.GeneratedFile> unique = uniqueArchived(files);
    Files.createDirectories(input.resolve("a"));
    Files.copy(unique.get(0).path(), input.resolve("a/one.dcm"));
    Files.copy(unique.get(1).path(), input.resolve("two.dcm"));
    Path outside = Files.createDirectories(work.resolve("elsewhere"));
    Files.copy(unique.get(2).path(), outside.resolve("three.dcm"));
    Files.createSymbolicLink(input.resolve("a/loop"), Path.of(".."));
    Files.createSymbolicLink(input.resolve("dangling.dcm"), Path.of("gone.dcm"));
    Files.createSymbolicLink(input.resolve("out"), outside);
    Files.createSymbolicLink(input.resolve("again.dcm"), Path.of("two.dcm"));
    String root = SourcePaths.of(input);

    Path plain = work.resolve("plain");
    Run run = jar(Map.of(), "--input=" + input, "--output=" + plain);
    assertEquals(0, run.exitCode, run.console);
    MigrationOutput out = MigrationOutput.read(plain, run.console);
    assertEquals(Map.of(root + "/a/one.dcm", Outcome.ARCHIVED, root + "/two.dcm", Outcome.ARCHIVED,
        root + "/a/loop", Outcome.REJECTED, root + "/dangling.dcm", Outcome.REJECTED,
        root + "/out", Outcome.REJECTED, root + "/again.dcm", Outcome.REJECTED), outcomes(out));
    MigrationChecks.countsAddUp(out);
    Run verify = jar(Map.of(), "verify", "--archive=" + plain, "--input=" + input);
    assertEquals(0, verify.exitCode, verify.console);

    Path followed = work.resolve("followed");
    run = jar(Map.of(), "--input=" + input, "--output=" + followed, "--followLinks");
    assertEquals(0, run.exitCode, run.console);
    out = MigrationOutput.read(followed, run.console);
    assertEquals(Map.of(root + "/a/one.dcm", Outcome.ARCHIVED, root + "/two.dcm", Outcome.ARCHIVED,
        root + "/out/three.dcm", Outcome.ARCHIVED, root + "/a/loop", Outcome.REJECTED,
        root + "/dangling.dcm", Outcome.REJECTED, root + "/again.dcm", Outcome.DUPLICATE), outcomes(out));
    Map<String, String> reasons = out.rows().stream().collect(Collectors.toMap(ManifestRow::path,
        ManifestRow::reason));
    assertTrue(reasons.get(root + "/a/loop").contains("a loop"), reasons.toString());
    assertTrue(reasons.get(root + "/dangling.dcm").contains("does not exist"), reasons.toString());
    assertTrue(reasons.get(root + "/again.dcm").contains("the same file as " + root + "/two.dcm"),
        reasons.toString());
    MigrationChecks.countsAddUp(out);
    verify = jar(Map.of(), "verify", "--archive=" + followed, "--input=" + input);
    assertEquals(0, verify.exitCode, verify.console);
    assertTrue(verify.console.contains("6 rows for 6 files under the input, every file once"), verify.console);
  }

  /** Before: each of these ran, on nothing (exit 0, "0 files") or on the wrong folder. */
  @Test
  void badCommandLinesAreRefusedBeforeAnyWork() throws Exception {
    Path input = Files.createDirectories(work.resolve("pacs"));
    Path file = Files.writeString(work.resolve("notes.txt"), "x");
    assertRefused("does not exist", "--input=" + work.resolve("missing"), "--output=" + work.resolve("o1"));
    assertRefused("--input is empty", "--input=", "--output=" + work.resolve("o2"));
    assertRefused("not a folder", "--input=" + file, "--output=" + work.resolve("o3"));
    assertRefused("is the input folder", "--input=" + input, "--output=" + input);
    assertRefused("is inside --input", "--input=" + input, "--output=" + input.resolve("out"));
    assertRefused("is inside --output", "--input=" + input, "--output=" + work);
    assertRefused("does not exist", "verify", "--archive=" + work.resolve("o1"),
        "--input=" + work.resolve("missing"));
    assertRefused("not a folder", "verify", "--archive=" + work.resolve("o1"), "--input=" + file);
    assertFalse(Files.exists(work.resolve("o1")) || Files.exists(work.resolve("o2"))
        || Files.exists(input.resolve("out")) || Files.exists(work.resolve("reports")), "nothing was written");
  }

  private static void assertRefused(String message, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Main.run(args, out, out);
    String console = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, String.join(" ", args) + ": " + console);
    String first = console.lines().findFirst().orElse("");
    assertTrue(first.startsWith("error: ") && first.contains(message), String.join(" ", args) + ": " + console);
  }

  /**
   * A sample PACS whose files that are archived alone (no duplicate) get hostile names, plus a FIFO, a socket and
   * links; returns each entry's escaped path and its expected outcome.
   */
  private Map<String, Outcome> oddPacs(Path input) throws Exception {
    List<SamplePacs.GeneratedFile> files = SamplePacs.generate(input, SamplePacs.SMALL);
    String root = SourcePaths.of(input);
    Map<String, Outcome> expected = new HashMap<>();
    for (SamplePacs.GeneratedFile f : files) {
      expected.put(SourcePaths.of(f.path()), f.expected());
    }
    List<SamplePacs.GeneratedFile> unique = uniqueArchived(files);
    for (int i = 0; i < ODD_NAMES.size(); i++) {
      Path to = SourcePaths.toPath(root + "/" + ODD_NAMES.get(i));
      Files.createDirectories(to.getParent());
      Files.move(unique.get(i).path(), to);
      expected.remove(SourcePaths.of(unique.get(i).path()));
      expected.put(root + "/" + ODD_NAMES.get(i), Outcome.ARCHIVED);
    }
    Process mkfifo = new ProcessBuilder("mkfifo", input.resolve("fifo").toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    expected.put(root + "/fifo", Outcome.REJECTED);
    try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(input.resolve("socket")));
    }
    expected.put(root + "/socket", Outcome.REJECTED);
    Files.createSymbolicLink(input.resolve("link.dcm"), SourcePaths.toPath(root + "/caf%E9.dcm"));
    expected.put(root + "/link.dcm", Outcome.REJECTED);
    Files.createSymbolicLink(input.resolve("dangling.dcm"), Path.of("nowhere"));
    expected.put(root + "/dangling.dcm", Outcome.REJECTED);
    return expected;
  }

  /** Generated files archived on their own: renaming them changes no duplicate's choice. */
  private static List<SamplePacs.GeneratedFile> uniqueArchived(List<SamplePacs.GeneratedFile> files) {
    Map<String, Long> perSop = files.stream().collect(Collectors.groupingBy(SamplePacs.GeneratedFile::sopInstanceUid,
        Collectors.counting()));
    List<SamplePacs.GeneratedFile> unique = new ArrayList<>();
    for (SamplePacs.GeneratedFile f : files) {
      if (f.expected() == Outcome.ARCHIVED && perSop.get(f.sopInstanceUid()) == 1) {
        unique.add(f);
      }
    }
    return unique;
  }

  private static Map<String, Outcome> outcomes(MigrationOutput out) {
    return out.rows().stream().collect(Collectors.toMap(ManifestRow::path, ManifestRow::outcome));
  }

  private record Run(int exitCode, String console) {}

  /** {@code java -jar dicomweb-migrate.jar ARGS} with these environment variables; any exit code. */
  private Run jar(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PipelineJar.java().toString(), "-jar",
        PipelineJar.path().toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(work, "run-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish; it printed:\n"
            + PipelineJar.tail(log));
      }
    } finally {
      PipelineJar.stop(process, Duration.ofSeconds(20));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
  }
}
