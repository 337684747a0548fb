package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import org.pacsmigrate.transforms.model.ParsedInstance;
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
        options.getFollowLinks(), ParsedInstance.recordedTags(reconciliation.rules()))
        // Both change what reconciliation writes into every study it touches: another value, another index.
        .with("modificationDateTime", reconciliation.modificationDateTime())
        .with("reference", options.getReference() == null ? "" : sha256(Path.of(options.getReference())))
        .with("requireReference", Boolean.toString(options.getRequireReference()));
    if (options.getReconciliationAttributes() != null) {
      // The rules decide findings and values beyond the attributes recorded: a delta run carries studies' findings
      // over from the index, so other rules make another index.
      identity = identity.with("rules", sha256(Path.of(options.getReconciliationAttributes())));
    }
    return new MigrationPipeline.Passes(RunIndex.newRun(output, identity, start),
        PriorRun.find(output, identity, options.getFull()));
  }

  private static String sha256(Path file) throws IOException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.nio.file.NoSuchFileException e) {
      return "missing"; // the job's own check names the missing file
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
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
