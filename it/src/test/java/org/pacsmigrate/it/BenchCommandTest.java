package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} on tiny sizes, through the jar as an operator runs it: every input gets its copy, a run and a
 * verify, and the table shows each with its figures. Nothing here depends on how fast they were. The Direct
 * runner only: each run is a JVM of its own, and embedded Flink's start would double the test's time for no
 * other code of bench's (FlinkMigrationTest runs the jar on Flink).
 */
class BenchCommandTest {
  /** The input, the run, then files, MB, wall s, files/s, MB/s, net/cp, heap MB, RSS MB and the result. */
  private static final Pattern ROW = Pattern.compile(
      "(\\(empty\\)|small 120|large \\d+|tiny 50)\\s+(cp -r|direct|flink|verify \\(direct\\))"
          + "\\s+(\\d+(?:\\s+[\\d.-]+){7})\\s+ok");

  @Test
  void printsOneRowPerRunForEveryInputAndRunner(@TempDir Path work) throws Exception {
    Path bench = work.resolve("bench");
    PipelineJar.Run run = PipelineJar.run(work.resolve("bench.log"), Duration.ofMinutes(20), "bench",
        "--workdir=" + bench, "--small=120", "--large-mb=3", "--tiny=50", "--runners=direct",
        "--jar=" + PipelineJar.path());
    List<Matcher> rows = run.console().lines().map(ROW::matcher).filter(Matcher::matches).toList();
    List<String> expected = List.of("(empty) direct",
        "small cp -r", "small direct", "small verify (direct)",
        "large cp -r", "large direct", "large verify (direct)",
        "tiny cp -r", "tiny direct", "tiny verify (direct)");
    assertEquals(expected, rows.stream().map(m -> m.group(1).split(" ")[0] + " " + m.group(2)).toList(),
        run.console());
    for (Matcher m : rows) {
      // files, MB, wall s, files/s, MB/s, net/cp, heap MB, RSS MB
      String[] f = m.group(3).split("\\s+");
      boolean empty = m.group(1).equals("(empty)");
      assertEquals(empty, f[3].equals("-"), "files/s only for an input with files: " + m.group());
      if (!empty && m.group(2).equals("direct")) {
        // Negative when a run beat its empty-input run: a busy machine's noise, still a figure.
        assertTrue(f[5].matches("-?[\\d.]+"), "a ratio to cp -r: " + m.group());
      }
      assertEquals(m.group(2).equals("cp -r"), f[7].equals("-"), "a peak RSS for each JVM: " + m.group());
    }

    String file = Files.readString(bench.resolve("bench-results.txt"), StandardCharsets.UTF_8);
    for (Matcher m : rows) {
      assertTrue(file.contains(m.group()), "the file holds the table: " + m.group());
    }
    assertFalse(Files.exists(bench.resolve("inputs/small")), "generated inputs are deleted without --keep");
    assertFalse(Files.exists(bench.resolve("outputs")), "the runs' outputs are deleted");
  }
}
