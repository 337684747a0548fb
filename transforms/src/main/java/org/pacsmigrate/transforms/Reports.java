package org.pacsmigrate.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TupleTag;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.ManifestParts;
import org.pacsmigrate.transforms.reports.WriteReportFile;

/**
 * Writes {@code {output}/reports/manifest.csv} (one row per input file) and {@code summary.json} (the counts).
 * Both come from the same rows: the files rejected when their header was read ({@link #REJECTED}) and every
 * study's result ({@link #STUDIES}), counted as they are written to the manifest's parts ({@link ReportParts}).
 * The manifest is joined from its parts under a temporary name and moved ({@link ManifestParts}), then the
 * summary written by {@link WriteReportFile} (a temporary name, then a move; one upload in a bucket), so a report
 * never exists half-written; a report that cannot be written fails the run.
 *
 * <p>The manifest's rows are in no particular order (sorting millions of rows would need one worker's memory);
 * sort it to compare two runs.
 */
public final class Reports extends PTransform<PCollectionTuple, PDone> {
  public static final TupleTag<RejectedFile> REJECTED = new TupleTag<>() {};
  public static final TupleTag<StudyResult> STUDIES = new TupleTag<>() {};
  /** Optional: rows the listing decided (entries not read: links, FIFOs, unreadable folders, ...). */
  public static final TupleTag<ManifestRow> LISTED = new TupleTag<>() {};

  private final String output;
  private final long startMillis;
  private final boolean dryRun;

  private Reports(String output, long startMillis, boolean dryRun) {
    this.output = output;
    this.startMillis = startMillis;
    this.dryRun = dryRun;
  }

  /**
   * @param output the job's output folder or prefix; reports go to its {@code reports/}
   * @param startMillis when the job started (epoch ms), for the summary's {@code seconds}
   */
  public static Reports to(String output, long startMillis) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    return new Reports(output, startMillis, false);
  }

  /** The same reports for a dry run: summary.json says {@code "dryRun": true}. */
  public Reports forDryRun() {
    return new Reports(output, startMillis, true);
  }

  public static String manifestPath(String output) {
    return reportsDir(output) + "manifest.csv";
  }

  /** The studies whose files are all gone from the source but whose archive an earlier run wrote (kept). */
  public static String missingFromSourcePath(String output) {
    return reportsDir(output) + "missing-from-source.csv";
  }

  public static final String MISSING_FROM_SOURCE_HEADER = "study,archiveBytes";

  public static String summaryPath(String output) {
    return reportsDir(output) + "summary.json";
  }

  static String reportsDir(String output) {
    return (output.endsWith("/") ? output : output + "/") + "reports/";
  }

  @Override
  public PDone expand(PCollectionTuple input) {
    String partsDir = reportsDir(output) + ".manifest-parts/";
    KvCoder<Integer, ReportParts.Part> partCoder = KvCoder.of(VarIntCoder.of(), ReportParts.PartCoder.of());
    // One step per input writes its rows and counts a bundle at a time (see ReportParts for why).
    PCollectionList<KV<Integer, ReportParts.Part>> parts = PCollectionList
        .of(input.get(REJECTED).apply("RejectedRows", ParDo.of(new ReportParts.RejectedFn(partsDir)))
            .setCoder(partCoder))
        .and(input.get(STUDIES).apply("StudyRows", ParDo.of(new ReportParts.StudiesFn(partsDir)))
            .setCoder(partCoder));
    if (input.has(LISTED)) {
      parts = parts.and(input.get(LISTED).apply("ListedRows", ParDo.of(new ReportParts.ListedFn(partsDir)))
          .setCoder(partCoder));
    }
    // One empty part, so the reports are written (a header, zero counts) even for an empty input.
    parts = parts.and(input.getPipeline()
        .apply("NoFiles", Create.of(KV.of(ReportParts.KEY, ReportParts.Part.NONE)).withCoder(partCoder)));
    parts.apply("AllParts", Flatten.pCollections())
        .apply("Together", GroupByKey.create())
        .apply("WriteReports", ParDo.of(new ReportParts.FinishFn(output, startMillis, dryRun)));
    return PDone.in(input.getPipeline());
  }
}
