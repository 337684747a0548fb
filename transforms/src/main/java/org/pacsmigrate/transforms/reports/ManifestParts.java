package org.pacsmigrate.transforms.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.io.Writer;
import org.pacsmigrate.format.io.OutputWriteException;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.pacsmigrate.transforms.Reports;

/**
 * Writes the manifest's CSV lines as one file: in parts first (one per bundle, in {@code reports/.manifest-parts/}), then
 * joined, header first, into {@code manifest.csv} (a temporary name, then a rename) and the parts deleted.
 *
 * <p>Why not one unsharded TextIO write: that groups every line under one key, and the Direct runner copies a
 * key's whole group again for each bundle that adds to it, which made the reports of 200,000 files take many
 * minutes. Parts need no grouping of the lines; only their names (one per bundle) are collected.
 */
public final class ManifestParts extends PTransform<PCollection<String>, PDone> {
  private final String reportsDir;
  private final String header;

  public ManifestParts(String reportsDir, String header) {
    this.reportsDir = reportsDir;
    this.header = header;
  }

  private String partsDir() {
    return reportsDir + ".manifest-parts/";
  }

  @Override
  public PDone expand(PCollection<String> lines) {
    lines.apply("WriteParts", ParDo.of(new WritePartFn(partsDir())))
        .setCoder(StringUtf8Coder.of())
        .apply("CollectPartNames", Combine.globally(new Names()))
        .setCoder(ListCoder.of(StringUtf8Coder.of()))
        .apply("JoinParts", ParDo.of(new JoinFn(reportsDir, header)));
    return PDone.in(lines.getPipeline());
  }

  /**
   * Writes each bundle's lines to a part file of its own and hands on its name when the bundle finishes. A
   * bundle that fails and is retried leaves a part nobody names: it is never joined, and goes with the folder.
   * Every failure is an {@link OutputWriteException}: a manifest that cannot be written fails the run.
   */
  static final class WritePartFn extends DoFn<String, String> {
    private final String partsDir;
    private transient String name;
    private transient Writer writer;

    WritePartFn(String partsDir) {
      this.partsDir = partsDir;
    }

    @StartBundle
    public void start() {
      name = null;
      writer = null;
    }

    @ProcessElement
    public void process(@Element String line) throws IOException {
      try {
        if (writer == null) {
          name = partsDir + "part-" + UUID.randomUUID() + ".csv";
          writer = new BufferedWriter(Channels.newWriter(
              FileSystems.create(FileSystems.matchNewResource(name, false), "text/csv"), StandardCharsets.UTF_8),
              64 * 1024);
        }
        writer.write(line);
        writer.write('\n');
      } catch (IOException | RuntimeException e) {
        throw failure(e);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) throws IOException {
      if (writer == null) {
        return;
      }
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        throw failure(e);
      }
      context.output(name, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      writer = null;
    }

    private OutputWriteException failure(Exception e) {
      String where = name != null ? name : partsDir;
      return e instanceof IOException io ? OutputWriteException.of(where, io) : new OutputWriteException(where, e);
    }
  }

  static final class Names extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> accumulator, String input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> accumulators) {
      List<String> all = new ArrayList<>();
      accumulators.forEach(all::addAll);
      return all;
    }

    @Override
    public List<String> extractOutput(List<String> accumulator) {
      return accumulator;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<String>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry, org.apache.beam.sdk.coders.Coder<String> input) {
      return ListCoder.of(StringUtf8Coder.of());
    }
  }

  static final class JoinFn extends DoFn<List<String>, Void> {
    private final String reportsDir;
    private final String header;

    JoinFn(String reportsDir, String header) {
      this.reportsDir = reportsDir;
      this.header = header;
    }

    @ProcessElement
    public void process(@Element List<String> names) throws IOException {
      join(reportsDir, header, names);
    }
  }

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
