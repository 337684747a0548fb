package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import org.pacsmigrate.transforms.ParsedInstance;
import org.pacsmigrate.transforms.delta.IndexIdentity;
import org.pacsmigrate.transforms.delta.PriorRun;
import org.pacsmigrate.transforms.delta.RunIndex;

/**
 * Whether this run keeps an index, and what it builds on: decided before the job starts. A dry run writes no
 * archive and keeps no index; a bucket output keeps none (the index is local files, appended to as the run
 * goes). Every other run keeps one, and builds on the earlier runs' unless {@code --full}.
 */
final class RunPasses {
  private RunPasses() {}

  /** Null when this run keeps no index. */
  static MigrationPipeline.Passes decide(MigrationOptions options, String input, String output,
      MigrationPipeline.Reconciliation reconciliation, long start) throws IOException {
    if (reconciliation.dryRun() || output.startsWith("gs://")) {
      return null;
    }
    IndexIdentity identity = IndexIdentity.of(sourceOf(input), options.getLayout(), options.getMaxInflationRatio(),
        options.getFollowLinks(), ParsedInstance.recordedTags(reconciliation.rules()));
    return new MigrationPipeline.Passes(RunIndex.newRun(output, identity, start),
        PriorRun.find(output, identity, options.getFull()));
  }

  /** The source as the index names it: a local folder by its real path, so two spellings are the same source. */
  private static String sourceOf(String input) {
    if (input.startsWith("gs://")) {
      return input.endsWith("/") ? input : input + "/";
    }
    try {
      return Path.of(input).toRealPath().toString();
    } catch (IOException e) {
      return Path.of(input).toAbsolutePath().normalize().toString();
    }
  }
}
