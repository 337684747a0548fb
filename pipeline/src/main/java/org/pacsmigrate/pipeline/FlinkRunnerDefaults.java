package org.pacsmigrate.pipeline;

import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Embedded Flink ({@code --flinkMaster=[local]}) runs every step once, on one slot, unless told otherwise: the
 * Flink runner gives a local environment a parallelism of 1 (its {@code [auto]} gives the machine's cores). One
 * slot parses every header and writes every study ZIP on one thread, one fsync after another, while the other
 * cores idle. The job's jar gives embedded Flink one slot per core, as the Direct runner has a thread per core,
 * unless the user sets {@code --parallelism}. A cluster ({@code --flinkMaster=HOST:PORT}) keeps its own default.
 */
final class FlinkRunnerDefaults {
  static final String LOCAL = "[local]";

  private FlinkRunnerDefaults() {}

  static void apply(String[] args, PipelineOptions options) {
    if (options.getRunner() != FlinkRunner.class) {
      return;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (LOCAL.equals(flink.getFlinkMaster()) && !given(args, "parallelism")) {
      flink.setParallelism(slots());
    }
  }

  /** One slot per core the JVM may use (a container's CPU limit included). */
  static int slots() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--" + option) || a.startsWith("--" + option + "="));
  }
}
