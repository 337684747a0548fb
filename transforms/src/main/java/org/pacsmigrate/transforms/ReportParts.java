package org.pacsmigrate.transforms;

import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.ManifestParts;
import org.pacsmigrate.transforms.reports.Summary;
import org.pacsmigrate.transforms.reports.Tally;
import org.pacsmigrate.transforms.reports.WriteReportFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.pacsmigrate.format.io.OutputWriteException;

/**
 * The per-bundle half of {@link Reports}, one step per input: each bundle's manifest rows go as CSV lines to a
 * part file of its own (in {@code reports/.manifest-parts/}), and the bundle's counts ({@link Tally}) leave the
 * bundle with the part's name as one small element ({@link Part}). {@link FinishFn} then joins the parts into
 * {@code manifest.csv} and writes {@code summary.json} from the summed counts, so both still come from the same
 * rows.
 *
 * <p>Why fused: after the grouping, the Direct runner runs every study as a bundle of its own through every
 * step, at about a millisecond per (bundle, step) whatever the step does; rows, CSV, part, the tallies, their
 * flatten and the combine's keying were 13 such steps per study, now 3 (this one, the flatten, the grouping).
 */
final class ReportParts {
  private ReportParts() {}

  /** The single key all parts are grouped under: one worker joins the manifest and writes the summary. */
  static final int KEY = 0;
  /**
   * One bundle's share of the reports: its part file (null when it had no row), its counts, and the
   * {@code missing-from-source.csv} lines of the studies kept although their files left the source (a delta
   * run's few; one short line per study, as the one-key grouping of a report file would hold them anyway).
   */
  record Part(String name, Tally tally, List<String> missing) {
    static final Part NONE = new Part(null, Tally.ZERO, List.of());

    Part {
      missing = List.copyOf(missing);
    }
  }

  static final class PartCoder extends CustomCoder<Part> {
    private static final PartCoder INSTANCE = new PartCoder();
    private static final NullableCoder<String> NAME = NullableCoder.of(StringUtf8Coder.of());
    private static final ListCoder<String> LINES = ListCoder.of(StringUtf8Coder.of());

    static PartCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Part p, OutputStream out) throws IOException {
      NAME.encode(p.name(), out);
      Tally.Coder.of().encode(p.tally(), out);
      LINES.encode(p.missing(), out);
    }

    @Override
    public Part decode(InputStream in) throws IOException {
      return new Part(NAME.decode(in), Tally.Coder.of().decode(in), LINES.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /**
   * Writes each bundle's rows to a part and hands on the part's name and the bundle's counts when the bundle
   * finishes. A bundle that fails and is retried leaves a part nobody names: it is never joined, and goes with
   * the folder. Every failure is an {@link OutputWriteException}: a manifest that cannot be written fails the run.
   */
  abstract static class RowsFn<T> extends DoFn<T, KV<Integer, Part>> {
    private final String partsDir;
    private transient String name;
    private transient Writer writer;
    private transient Tally tally;
    private transient List<String> missing;

    RowsFn(String partsDir) {
      this.partsDir = partsDir;
    }

    @StartBundle
    public void start() {
      name = null;
      writer = null;
      tally = null;
      missing = new ArrayList<>();
    }

    final void row(ManifestRow row) throws OutputWriteException {
      try {
        if (writer == null) {
          name = partsDir + "part-" + UUID.randomUUID() + ".csv";
          writer = new BufferedWriter(Channels.newWriter(
              FileSystems.create(FileSystems.matchNewResource(name, false), "text/csv"), StandardCharsets.UTF_8),
              64 * 1024);
        }
        writer.write(row.toCsv());
        writer.write('\n');
      } catch (IOException | RuntimeException e) {
        throw failure(e);
      }
      count(Tally.of(row));
    }

    final void count(Tally t) {
      tally = tally == null ? t : tally.plus(t);
    }

    final void missing(String line) {
      missing.add(line);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) throws OutputWriteException {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException e) {
          throw failure(e);
        }
      }
      if (name != null || tally != null) {
        context.output(KV.of(KEY, new Part(name, tally == null ? Tally.ZERO : tally, missing)),
            GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
      writer = null;
      name = null;
      tally = null;
      missing = new ArrayList<>();
    }

    private OutputWriteException failure(Exception e) {
      String where = name != null ? name : partsDir;
      return e instanceof IOException io ? OutputWriteException.of(where, io) : new OutputWriteException(where, e);
    }
  }

  /** The files rejected when their header was read. */
  static final class RejectedFn extends RowsFn<RejectedFile> {
    RejectedFn(String partsDir) {
      super(partsDir);
    }

    @ProcessElement
    public void process(@Element RejectedFile f) throws OutputWriteException {
      row(f.toManifestRow());
    }
  }

  /** The entries the listing decided (links, FIFOs, unreadable folders, ...). */
  static final class ListedFn extends RowsFn<ManifestRow> {
    ListedFn(String partsDir) {
      super(partsDir);
    }

    @ProcessElement
    public void process(@Element ManifestRow r) throws OutputWriteException {
      row(r);
    }
  }

  /** Each study's rows and counts, and a missing-from-source line for a study kept although its files are gone. */
  static final class StudiesFn extends RowsFn<StudyResult> {
    StudiesFn(String partsDir) {
      super(partsDir);
    }

    @ProcessElement
    public void process(@Element StudyResult st) throws OutputWriteException {
      for (ManifestRow r : st.rows()) {
        row(r);
      }
      count(Tally.of(st));
      if (st.state() == StudyResult.State.MISSING_FROM_SOURCE) {
        missing(st.studyUid() + "," + st.zipBytes());
      }
    }
  }

  /**
   * Joins the parts into {@code manifest.csv}, writes {@code missing-from-source.csv}, then {@code summary.json}
   * from the summed counts: one after the other, so a report that cannot be written stops the others before
   * they start (none is left half-written behind a failed run).
   */
  static final class FinishFn extends DoFn<KV<Integer, Iterable<Part>>, Void> {
    private final String output;
    private final long startMillis;
    private final boolean dryRun;

    FinishFn(String output, long startMillis, boolean dryRun) {
      this.output = output;
      this.startMillis = startMillis;
      this.dryRun = dryRun;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Part>> parts) throws IOException {
      List<String> names = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      Tally sum = Tally.ZERO;
      for (Part p : parts.getValue()) {
        if (p.name() != null) {
          names.add(p.name());
        }
        sum = sum.plus(p.tally());
        missing.addAll(p.missing());
      }
      ManifestParts.join(Reports.reportsDir(output), ManifestRow.CSV_HEADER, names);
      missing.sort(null);
      WriteReportFile.write(Reports.missingFromSourcePath(output), Reports.MISSING_FROM_SOURCE_HEADER, missing);
      WriteReportFile.write(Reports.summaryPath(output), null,
          List.of(Summary.json(sum, (System.currentTimeMillis() - startMillis) / 1000.0, dryRun)));
    }
  }
}
