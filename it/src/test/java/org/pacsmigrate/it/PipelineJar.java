package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shaded {@code pipeline/target/dicomweb-migrate.jar}, run as an operator runs it: {@code java -jar} in a
 * JVM of its own. Flink jobs must run that way (Maven's and surefire's class loaders are not what Flink expects),
 * and it is what proves the shaded jar holds everything. The reactor builds the jar before this module; its path
 * comes from the {@code pipeline.jar} system property (it/pom.xml).
 */
final class PipelineJar {
  private PipelineJar() {}

  /** What a run printed, how it ended and how long it took. */
  record Run(int exitCode, String console, Duration wall) {}

  static Path path() {
    String jar = System.getProperty("pipeline.jar", "");
    if (jar.isBlank() || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("no pipeline jar at '" + jar + "': build it first (mvn package) and pass "
          + "-Dpipeline.jar=.../pipeline/target/dicomweb-migrate.jar");
    }
    return Path.of(jar).toAbsolutePath().normalize();
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * Runs {@code java -jar dicomweb-migrate.jar ARGS}; fails unless it exits 0 within {@code timeout}. Output
   * goes to {@code log} (kept for a failure's message) and is returned.
   */
  static Run run(Path log, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java().toString(), "-jar", path().toString()));
    command.addAll(List.of(args));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish in " + timeout
            + "; its output:\n" + tail(log));
      }
    } finally {
      stop(process, Duration.ofSeconds(20));
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    String console = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), "exit code of java -jar " + String.join(" ", args) + "; it printed:\n"
        + tail(log));
    return new Run(process.exitValue(), console, wall);
  }

  /**
   * Stops a process this test started, and whatever it started: asks first, then forces after {@code grace}.
   * Only by handle, never by name, so nothing else on the machine is touched.
   */
  static void stop(Process process, Duration grace) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }

  /** The last lines of a log, enough to see why something failed. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
