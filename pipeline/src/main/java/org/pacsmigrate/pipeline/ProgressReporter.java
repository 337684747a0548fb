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
 * never anything about a patient. Long local runs otherwise look hung. Besides the counts: files settled and
 * the input's MB/s through to the outcome, and once the listing is complete, the share done and an estimate of
 * the time left (from the rate since the listing completed).
 */
final class ProgressReporter implements AutoCloseable {
  private final PipelineResult result;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  // Written and read by the reporter's thread only.
  private long listedAtNanos = -1;
  private long doneAtListing;

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
    long nanos = System.nanoTime() - startNanos;
    Map<String, Long> c = counters(result);
    if (listedAtNanos < 0 && c.getOrDefault(MigrationMetrics.LISTING_COMPLETE, 0L) > 0) {
      listedAtNanos = nanos;
      doneAtListing = c.getOrDefault(MigrationMetrics.FILES_DONE, 0L);
    }
    return line(c, nanos / 1e9, listedAtNanos < 0 ? -1 : listedAtNanos / 1e9, doneAtListing);
  }

  /**
   * The progress line for these counters, {@code seconds} into the run.
   *
   * @param listedAt when the listing was seen complete (seconds into the run), or -1 while it is not: the share
   *     done and the time left are only known once the total is
   * @param doneAtListing files settled by then (the rate of what is left counts from there)
   */
  static String line(Map<String, Long> c, double seconds, double listedAt, long doneAtListing) {
    long s = (long) seconds;
    long listed = c.getOrDefault(MigrationMetrics.FILES_LISTED, 0L);
    long done = c.getOrDefault(MigrationMetrics.FILES_DONE, 0L);
    double mb = c.getOrDefault(MigrationMetrics.BYTES_DONE, 0L) / 1e6;
    StringBuilder line = new StringBuilder(String.format("progress %d:%02d:%02d  listed %,d  parsed %,d  "
            + "rejected %,d  duplicates %,d  studies written %,d (%,d failed)  %s written",
        s / 3600, s / 60 % 60, s % 60,
        listed, c.getOrDefault(MigrationMetrics.FILES_PARSED, 0L),
        c.getOrDefault(MigrationMetrics.FILES_REJECTED, 0L), c.getOrDefault(MigrationMetrics.DUPLICATES, 0L),
        c.getOrDefault(MigrationMetrics.STUDIES_WRITTEN, 0L), c.getOrDefault(MigrationMetrics.STUDIES_FAILED, 0L),
        bytes(c.getOrDefault(MigrationMetrics.BYTES_WRITTEN, 0L))));
    long filesUnchanged = c.getOrDefault(MigrationMetrics.FILES_UNCHANGED, 0L);
    long studiesUnchanged = c.getOrDefault(MigrationMetrics.STUDIES_UNCHANGED, 0L);
    if (filesUnchanged > 0 || studiesUnchanged > 0) {
      // A delta run: files not read again, studies not written again.
      line.append(String.format("  unchanged %,d files, %,d studies", filesUnchanged, studiesUnchanged));
    }
    line.append(String.format("  |  %,d files done, %.1f MB/s", done, seconds > 0 ? mb / seconds : 0.0));
    if (listedAt >= 0 && listed > 0) {
      line.append(String.format(", %d%%", Math.min(100, done * 100 / listed)));
      double since = seconds - listedAt;
      long doneSince = done - doneAtListing;
      if (done >= listed) {
        line.append(", finishing the reports");
      } else if (doneSince > 0 && since > 0) {
        long left = Math.round((listed - done) * since / doneSince);
        line.append(String.format(", about %d:%02d:%02d left", left / 3600, left / 60 % 60, left % 60));
      } else {
        line.append(", time left: estimated once the first studies are done");
      }
    }
    return line.toString();
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
