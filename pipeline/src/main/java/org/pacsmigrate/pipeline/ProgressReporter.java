package org.pacsmigrate.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.pacsmigrate.transforms.MigrationMetrics;

/**
 * Prints one progress line every few seconds while a job runs, from its Beam counters: counts and bytes only,
 * never anything about a patient. Long local runs otherwise look hung.
 */
final class ProgressReporter implements AutoCloseable {
  private final PipelineResult result;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final Thread thread;

  private ProgressReporter(PipelineResult result, PrintStream out, Duration every) {
    this.result = result;
    this.out = out;
    this.thread = new Thread(() -> loop(every.toMillis()), "migration-progress");
    thread.setDaemon(true);
  }

  static ProgressReporter start(PipelineResult result, PrintStream out, Duration every) {
    ProgressReporter reporter = new ProgressReporter(result, out, every);
    reporter.thread.start();
    return reporter;
  }

  private void loop(long everyMillis) {
    try {
      while (true) {
        Thread.sleep(everyMillis);
        out.println(line());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Some runners cannot report metrics while running; the job matters, its progress line does not.
    }
  }

  String line() {
    Map<String, Long> c = counters(result);
    long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
    return String.format("progress %d:%02d:%02d  listed %,d  parsed %,d  rejected %,d  duplicates %,d  "
            + "studies written %,d (%,d failed)  %s written",
        seconds / 3600, seconds / 60 % 60, seconds % 60,
        c.getOrDefault(MigrationMetrics.FILES_LISTED, 0L), c.getOrDefault(MigrationMetrics.FILES_PARSED, 0L),
        c.getOrDefault(MigrationMetrics.FILES_REJECTED, 0L), c.getOrDefault(MigrationMetrics.DUPLICATES, 0L),
        c.getOrDefault(MigrationMetrics.STUDIES_WRITTEN, 0L), c.getOrDefault(MigrationMetrics.STUDIES_FAILED, 0L),
        bytes(c.getOrDefault(MigrationMetrics.BYTES_WRITTEN, 0L)));
  }

  /** The job's counters by name, summed over steps (attempted values: committed ones are not always known). */
  static Map<String, Long> counters(PipelineResult result) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(MigrationMetrics.NAMESPACE)).build());
    Map<String, Long> counters = new HashMap<>();
    for (MetricResult<Long> c : metrics.getCounters()) {
      Long value = c.getAttempted();
      counters.merge(c.getName().getName(), value == null ? 0L : value, Long::sum);
    }
    return counters;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
