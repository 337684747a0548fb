package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured run of the benchmark: a command in a process of its own (a JVM gets its own {@code -Xmx}), its
 * wall time, its peak resident set (VmHWM, polled from /proc while it runs) and, for a JVM started with
 * {@code -Xlog:gc:file=...}, the largest heap in use after a garbage collection (what the run really keeps) and
 * the largest heap the JVM committed.
 */
final class MeasuredProcess {
  private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  /** How a run ended; sizes in bytes, -1 when not known. */
  record Result(int exitCode, boolean timedOut, Duration wall, long peakRss, long heapAfterGc, long heapCommitted,
      boolean outOfMemory, Path log) {
    boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    String outcome() {
      return timedOut ? "TIMEOUT" : outOfMemory ? "OOM" : exitCode == 0 ? "ok" : "exit " + exitCode;
    }
  }

  private MeasuredProcess() {}

  /** Runs {@code command} with its output (both streams) in {@code log}; stops it after {@code timeout}. */
  static Result run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException {
    return run(command, log, timeout, null);
  }

  /**
   * @param gcLog the file the command's JVM writes its {@code -Xlog:gc} lines to, or null
   */
  static Result run(List<String> command, Path log, Duration timeout, Path gcLog)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long peakRss = -1;
    boolean timedOut = false;
    long deadline = start + timeout.toNanos();
    while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
      // VmHWM only grows: the last reading before the process ends is (within 100 ms) its peak.
      peakRss = Math.max(peakRss, vmHwm(process.pid()));
      if (System.nanoTime() > deadline) {
        timedOut = true;
        stop(process);
        break;
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    long heapAfterGc = -1;
    long committed = -1;
    if (gcLog != null && Files.isRegularFile(gcLog)) {
      for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          heapAfterGc = Math.max(heapAfterGc, size(m.group(3), m.group(4)));
          committed = Math.max(committed, size(m.group(5), m.group(6)));
        }
      }
    }
    boolean oom = Files.readString(log, StandardCharsets.ISO_8859_1).contains("OutOfMemoryError");
    return new Result(timedOut ? -1 : process.exitValue(), timedOut, wall, peakRss, heapAfterGc, committed, oom,
        log);
  }

  /** The peak resident set of a running process in bytes, -1 once it is gone (or without /proc). */
  static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended between two readings.
    }
    return -1;
  }

  /** The last lines of a run's output, for a failure's message. */
  static String tail(Path log, int lines) throws IOException {
    List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static long size(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }

  /** Stops a process this benchmark started, and what it started: by handle, never by name. */
  private static void stop(Process process) throws InterruptedException {
    List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
