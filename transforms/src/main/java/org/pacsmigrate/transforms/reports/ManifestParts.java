package org.pacsmigrate.transforms.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.io.OutputWriteException;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.pacsmigrate.transforms.Reports;

/**
 * Joins the manifest's parts (one per bundle, in {@code reports/.manifest-parts/}, written by
 * {@code ReportParts}), header first, into {@code manifest.csv} (a temporary name, then a rename) and deletes
 * the parts.
 *
 * <p>Why parts and not one unsharded TextIO write: that groups every line under one key, and the Direct runner
 * copies a key's whole group again for each bundle that adds to it, which made the reports of 200,000 files take
 * many minutes. Parts need no grouping of the lines; only their names (one per bundle) are collected.
 */
public final class ManifestParts {
  private ManifestParts() {}

  /** Joins the named parts, header first, into manifest.csv; every failure is an {@link OutputWriteException}. */
  public static void join(String reportsDir, String header, List<String> names) throws IOException {
    String manifest = Reports.manifestPath(reportsDir.substring(0, reportsDir.length() - "reports/".length()));
    try {
      joinParts(reportsDir, header, names);
    } catch (IOException | RuntimeException e) {
      throw e instanceof IOException io ? OutputWriteException.of(manifest, io)
          : new OutputWriteException(manifest, e);
    }
  }

  private static void joinParts(String reportsDir, String header, List<String> names) throws IOException {
      List<String> sorted = new ArrayList<>(names);
      sorted.sort(null);
      ResourceId target = FileSystems.matchNewResource(Reports.manifestPath(reportsDir.substring(0,
          reportsDir.length() - "reports/".length())), false);
      ResourceId partial = FileSystems.matchNewResource(reportsDir + ".manifest-parts/manifest.csv.partial", false);
      List<ResourceId> parts = new ArrayList<>();
      for (String name : sorted) {
        parts.add(FileSystems.matchNewResource(name, false));
      }
      try {
        try (OutputStream out = Channels.newOutputStream(FileSystems.create(partial, "text/csv"))) {
          out.write((header + "\n").getBytes(StandardCharsets.UTF_8));
          for (ResourceId part : parts) {
            try (InputStream in = Channels.newInputStream(FileSystems.open(part))) {
              in.transferTo(out);
            }
          }
        }
        FileSystems.rename(List.of(partial), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException | RuntimeException e) {
        // No partial manifest and no parts outlive a failed join; the run fails with the first error.
        List<ResourceId> leftovers = new ArrayList<>(parts);
        leftovers.add(partial);
        try {
          FileSystems.delete(leftovers, StandardMoveOptions.IGNORE_MISSING_FILES);
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      FileSystems.delete(parts, StandardMoveOptions.IGNORE_MISSING_FILES);
      try {
        // An empty local folder left behind otherwise; in a bucket a folder is only a prefix (nothing to do).
        FileSystems.delete(List.of(FileSystems.matchNewResource(reportsDir + ".manifest-parts/", true)),
            StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException e) {
        // Not empty (a part a retried bundle left): the next run's OutputFolder.prepare removes the folder.
      }
  }
}
