package org.pacsmigrate.pipeline;

import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Embedded Flink ({@code --flinkMaster=[local]}) runs every step once, on one slot, unless told otherwise: the
 * Flink runner gives a local environment a parallelism of 1 (its {@code [auto]} gives the machine's cores). One
 * slot parses every header and writes every study ZIP on one thread, one fsync after another, while the other
 * cores idle. The job's jar gives embedded Flink a slot per core, unless the user sets {@code --parallelism}. Not
 * more (the Direct runner's floor of 3 threads was tried on 2 cores: the same wall time, about 1 CPU-s more to
 * set up a third instance of every step). At most {@value #MAX_SLOTS}: the
 * embedded cluster splits its fixed managed memory over the slots' sorters, and at 64 slots a grouping fails
 * ("Too little memory provided to sorter"). A cluster ({@code --flinkMaster=HOST:PORT}) keeps its own default.
 */
final class FlinkRunnerDefaults {
  static final String LOCAL = "[local]";
  static final int MAX_SLOTS = 16;

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

  /** The cores the JVM may use (a container's CPU limit included), at most {@value #MAX_SLOTS}. */
  static int slots() {
    return Math.min(MAX_SLOTS, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--" + option) || a.startsWith("--" + option + "="));
  }
}
