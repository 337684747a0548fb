package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;

/**
 * {@code --every=DURATION}: delta passes one after another in one JVM, until cutover. Each pass is a whole run
 * ({@link Main#migrate}): it reads the index the pass before committed, does what changed since, and commits its
 * own. Passes start {@code DURATION} apart, start to start; one that takes longer is followed at once.
 *
 * <p>Why one JVM: a delta run of a small change spends most of its time starting cold (the JVM, Beam's set-up of
 * each step, code not yet compiled), and the second pass of a JVM starts warm. Nothing is carried from one pass
 * to the next in memory: what a pass knows of the passes before, it reads from the output, as a separate run
 * would. A pass that fails stops the passes with its exit code; Ctrl-C stops them at once, and a pass stopped
 * midway is resumed by the next run like any stopped run.
 */
final class RepeatedPasses {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** Waits until the next pass is due. */
  interface Wait {
    void until(Instant when) throws InterruptedException;
  }

  /** Sleeps on the system clock. */
  static final Wait SLEEP = when -> {
    for (long ms; (ms = Duration.between(Instant.now(), when).toMillis()) > 0; ) {
      Thread.sleep(Math.min(ms, 60_000));
    }
  };

  /** @param passes how many passes to make; null: until stopped */
  record Schedule(Duration every, Integer passes) {}

  private RepeatedPasses() {}

  /** Whether the command line asks for passes ({@code --every} or {@code --passes}). */
  static boolean requested(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--every=") || a.startsWith("--passes="));
  }

  /** The schedule the options give, checked: a mistake is a {@link UsageException}. */
  static Schedule schedule(MigrationOptions options) {
    if (options.getEvery() == null) {
      throw new UsageException("--passes needs --every=DURATION (how far apart the passes start)");
    }
    Duration every = parse(options.getEvery());
    Integer passes = options.getPasses();
    if (passes != null && passes < 1) {
      throw new UsageException("--passes must be at least 1, not " + passes);
    }
    if (options.getInput() == null) {
      throw new UsageException("--every needs --input: passes follow a source that changes");
    }
    if (options.getFull()) {
      throw new UsageException("--every makes delta passes; --full would read every file and write every study "
          + "on every pass (run once with --full, then with --every)");
    }
    if (options.getDryRun()) {
      throw new UsageException("--every makes delta passes, and a dry run keeps no index to build on");
    }
    if (options.getOutput() != null && options.getOutput().startsWith("gs://")) {
      throw new UsageException("--every makes delta passes, and a gs:// output keeps no index to build on (write "
          + "to a folder, then copy the archive to the bucket)");
    }
    return new Schedule(every, passes);
  }

  /** 30s, 15m, 2h, 500ms, or ISO-8601 (PT15M); not negative. */
  static Duration parse(String every) {
    Duration d;
    Matcher m = SHORT.matcher(every.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        d = Duration.parse(every.trim());
      } catch (DateTimeParseException e) {
        throw new UsageException("--every=" + every + ": give a duration such as 30s, 15m, 2h or PT15M");
      }
    }
    if (d.isNegative()) {
      throw new UsageException("--every=" + every + ": a duration cannot be negative");
    }
    return d;
  }

  /**
   * Whether the passes run Flink embedded in this JVM, which keeps every finished job's history: Flink 1.19's
   * MiniCluster leaves a shutdown hook per job holding it (FLINK-35737), about 0.4 MB a pass measured with 2
   * slots, more with more.
   */
  static boolean embeddedFlink(MigrationOptions options) {
    if (!options.getRunner().getSimpleName().equals("FlinkRunner")) {
      return false;
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    return master == null || master.equals("[local]") || master.equals("[auto]");
  }

  /** Makes the passes; returns the exit code of the command (that of the first pass that fails). */
  static int run(String[] args, PrintStream out, Clock clock, Wait wait) throws IOException {
    MigrationOptions options = Main.options(args);
    Schedule schedule = schedule(options);
    if (embeddedFlink(options)) {
      out.println("Note: embedded Flink keeps each pass's job history in this JVM (a Flink bug, FLINK-35737; about "
          + "0.4 MB a pass on 2 cores): for passes over days, use the Direct runner or a Flink cluster, or restart "
          + "the passes now and then.");
    }
    for (int pass = 1; ; pass++) {
      Instant started = clock.instant();
      out.println("Pass " + pass + (schedule.passes() == null ? "" : " of " + schedule.passes()) + " at "
          + started.truncatedTo(ChronoUnit.SECONDS) + " (every " + show(schedule.every()) + ")");
      int code;
      try {
        code = Main.migrate(args, out);
      } catch (IOException | RuntimeException e) {
        // Said by Main as for a single run; this line says the passes end here.
        out.println("Stopped: pass " + pass + " could not run");
        throw e;
      }
      Duration took = Duration.between(started, clock.instant());
      out.printf(Locale.ROOT, "Pass %d took %.2f s%n", pass, took.toMillis() / 1000.0);
      if (code != 0) {
        out.println("Stopped: pass " + pass + " failed (exit code " + code + ")");
        return code;
      }
      if (schedule.passes() != null && pass >= schedule.passes()) {
        out.println("Stopped after " + pass + (pass == 1 ? " pass" : " passes") + " (--passes=" + schedule.passes()
            + ")");
        return 0;
      }
      Instant next = started.plus(schedule.every());
      Duration left = Duration.between(clock.instant(), next);
      if (left.isNegative() || left.isZero()) {
        out.println(schedule.every().isZero() ? "Next pass now"
            : "Next pass now: this one took longer than " + show(schedule.every()));
        continue;
      }
      out.println("Next pass at " + next.truncatedTo(ChronoUnit.SECONDS) + ", in " + show(left) + " (Ctrl-C to "
          + "stop; a pass stopped midway is resumed by the next run)");
      try {
        wait.until(next);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.println("Stopped: interrupted while waiting for pass " + (pass + 1));
        return 1;
      }
    }
  }

  /** 1h30m, 15m, 42s, 500ms: as an operator would write it. */
  static String show(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      b.append(s % 3600 / 60).append('m');
    }
    if (s % 60 > 0 || b.length() == 0) {
      b.append(s % 60).append('s');
    }
    return b.toString();
  }
}
