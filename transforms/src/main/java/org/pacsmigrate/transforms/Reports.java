package org.pacsmigrate.transforms;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.ManifestParts;
import org.pacsmigrate.transforms.reports.Summary;
import org.pacsmigrate.transforms.reports.Tally;
import org.pacsmigrate.transforms.reports.WriteReportFile;

/**
 * Writes {@code {output}/reports/manifest.csv} (one row per input file) and {@code summary.json} (the counts).
 * Both come from the same rows: the files rejected when their header was read ({@link #REJECTED}) and every
 * study's result ({@link #STUDIES}). The summary is written by {@link WriteReportFile} (a temporary name, then a
 * move; one upload in a bucket), the manifest by {@link ManifestParts} (parts, then joined under a temporary name
 * and moved), so a report never exists half-written; a report that cannot be written fails the run.
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

  private static String reportsDir(String output) {
    return (output.endsWith("/") ? output : output + "/") + "reports/";
  }

  @Override
  public PDone expand(PCollectionTuple input) {
    PCollection<ManifestRow> rejectedRows = input.get(REJECTED)
        .apply("RejectedRows", MapElements.into(TypeDescriptor.of(ManifestRow.class))
            .via(RejectedFile::toManifestRow))
        .setCoder(ManifestRow.Coder.of());
    PCollection<StudyResult> studies = input.get(STUDIES);
    PCollection<ManifestRow> studyRows = studies
        .apply("StudyRows", FlatMapElements.into(TypeDescriptor.of(ManifestRow.class)).via(StudyResult::rows))
        .setCoder(ManifestRow.Coder.of());
    PCollectionList<ManifestRow> allRows = PCollectionList.of(rejectedRows).and(studyRows);
    if (input.has(LISTED)) {
      allRows = allRows.and(input.get(LISTED));
    }
    PCollection<ManifestRow> rows = allRows
        .apply("AllFiles", Flatten.pCollections());

    rows.apply("ToCsv", MapElements.into(TypeDescriptors.strings()).via(ManifestRow::toCsv))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteManifest", new ManifestParts(reportsDir(output), ManifestRow.CSV_HEADER));

    studies
        .apply("MissingFromSource", FlatMapElements.into(TypeDescriptors.strings())
            .via((StudyResult st) -> st.state() == StudyResult.State.MISSING_FROM_SOURCE
                ? java.util.List.of(st.studyUid() + "," + st.zipBytes()) : java.util.List.<String>of()))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteMissingFromSource", WriteReportFile.to(missingFromSourcePath(output))
            .withHeader(MISSING_FROM_SOURCE_HEADER));

    PCollection<Tally> fileTallies = rows
        .apply("TallyFiles", MapElements.into(TypeDescriptor.of(Tally.class)).via(Tally::of))
        .setCoder(Tally.Coder.of());
    PCollection<Tally> studyTallies = studies
        .apply("TallyStudies", MapElements.into(TypeDescriptor.of(Tally.class)).via(Tally::of))
        .setCoder(Tally.Coder.of());
    long start = startMillis;
    boolean dry = dryRun;
    PCollectionList.of(fileTallies).and(studyTallies)
        .apply("AllTallies", Flatten.pCollections())
        .apply("Sum", Combine.globally(new Tally.Sum()))
        .setCoder(Tally.Coder.of())
        .apply("ToJson", MapElements.into(TypeDescriptors.strings())
            .via(t -> Summary.json(t, (System.currentTimeMillis() - start) / 1000.0, dry)))
        .setCoder(StringUtf8Coder.of())
        .apply("WriteSummary", WriteReportFile.to(summaryPath(output)));
    return PDone.in(input.getPipeline());
  }
}
