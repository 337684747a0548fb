package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** Embedded Flink gets a slot per core unless the user says otherwise; clusters and other runners are left alone. */
class FlinkRunnerDefaultsTest {
  private static FlinkPipelineOptions apply(String... args) {
    FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
    FlinkRunnerDefaults.apply(args, options);
    return options;
  }

  @Test
  void embeddedFlinkGetsASlotPerCore() {
    FlinkPipelineOptions o = apply("--runner=FlinkRunner", "--flinkMaster=[local]");
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.min(16, cores), o.getParallelism());
  }

  @Test
  void theUsersParallelismIsKept() {
    assertEquals(1, apply("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1").getParallelism());
    assertEquals(7, apply("--runner=FlinkRunner", "--parallelism=7", "--flinkMaster=[local]").getParallelism());
  }

  @Test
  void aClusterAndTheDirectRunnerKeepTheirDefaults() {
    int unset = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class).getParallelism();
    assertEquals(unset, apply("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:8081").getParallelism());
    assertEquals(unset, apply("--runner=FlinkRunner").getParallelism(), "[auto]: the runner picks");
    assertEquals(unset, apply("--flinkMaster=[local]").getParallelism(), "the Direct runner");
  }
}
