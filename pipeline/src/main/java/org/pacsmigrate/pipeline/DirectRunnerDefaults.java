package org.pacsmigrate.pipeline;

import java.util.Arrays;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The Direct runner's immutability and encodability checks are test aids: they copy and encode every element
 * again at every step, which is most of a large local run's time. The job's jar turns them off unless the user
 * sets them; tests (TestPipeline) keep Beam's defaults, on.
 */
final class DirectRunnerDefaults {
  private DirectRunnerDefaults() {}

  static void apply(String[] args, PipelineOptions options) {
    if (options.getRunner() != DirectRunner.class) {
      return;
    }
    DirectOptions direct = options.as(DirectOptions.class);
    if (!given(args, "enforceImmutability")) {
      direct.setEnforceImmutability(false);
    }
    if (!given(args, "enforceEncodability")) {
      direct.setEnforceEncodability(false);
    }
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--" + option) || a.startsWith("--" + option + "="));
  }
}
