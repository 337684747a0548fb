package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.transforms.reconcile.ConflictReport;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.ReviewPage;
import org.pacsmigrate.transforms.reconcile.StudyContext;
import org.pacsmigrate.transforms.reports.WriteReportFile;

/**
 * Writes the conflict reports to {@code {output}/reports/}: {@code conflicts.csv}, {@code conflicts.json},
 * {@code conflicts.html} and {@code resolutions-template.csv}, on every run (empty of rows when nothing differs).
 * They hold patient data. The findings are brought to one worker and sorted, so the reports are in a stable order
 * and the page can count them: a finding is a few hundred bytes, and there is at most one per study, attribute
 * (and series).
 */
public final class ConflictReports extends PTransform<PCollection<Finding>, PDone> {
  private final String output;
  private final PCollection<StudyContext> studies; // null: the page shows studies by UID only

  private ConflictReports(String output, PCollection<StudyContext> studies) {
    this.output = output;
    this.studies = studies;
  }

  /** The same, with what the review page shows of each study ({@link ReconcileStudies#CONTEXTS}). */
  public ConflictReports withStudies(PCollection<StudyContext> studies) {
    return new ConflictReports(output, studies);
  }

  public static ConflictReports to(String output) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    return new ConflictReports(output, null);
  }

  public static String path(String output, String name) {
    return (output.endsWith("/") ? output : output + "/") + "reports/" + name;
  }

  @Override
  public PDone expand(PCollection<Finding> findings) {
    // One grouping brings the findings and the study contexts to one worker, which renders and writes the four
    // files. A combine per input, a rendering and a WriteReportFile per file were 35 steps; every step costs the
    // Direct runner at its start, per bundle and in its watermark bookkeeping all run long, whether or not a
    // study has a finding.
    KvCoder<Integer, ReportItem> coder = KvCoder.of(VarIntCoder.of(), ReportItem.Coder.INSTANCE);
    PCollectionList<KV<Integer, ReportItem>> items = PCollectionList.of(findings
        .apply("KeyFindings", MapElements.into(ITEMS).via((Finding f) -> KV.of(0, new ReportItem(f, null))))
        .setCoder(coder));
    if (studies != null) {
      items = items.and(studies
          .apply("KeyStudies", MapElements.into(ITEMS).via((StudyContext c) -> KV.of(0, new ReportItem(null, c))))
          .setCoder(coder));
    }
    // One item of neither kind, so the key exists and the reports are written when nothing differs.
    items = items.and(findings.getPipeline()
        .apply("Always", Create.of(KV.of(0, new ReportItem(null, null))).withCoder(coder)));
    items.apply("Together", Flatten.pCollections())
        .apply("OneWorker", GroupByKey.create())
        .apply("WriteReports", ParDo.of(new WriteFn(output, studies != null)));
    return PDone.in(findings.getPipeline());
  }

  private static final TypeDescriptor<KV<Integer, ReportItem>> ITEMS =
      TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptor.of(ReportItem.class));

  /** Sorts the findings and writes each report, as {@link WriteReportFile} writes a file of one line. */
  static final class WriteFn extends DoFn<KV<Integer, Iterable<ReportItem>>, Void> {
    private final String output;
    private final boolean withStudies;

    WriteFn(String output, boolean withStudies) {
      this.output = output;
      this.withStudies = withStudies;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<ReportItem>> items) throws IOException {
      List<Finding> findings = new ArrayList<>();
      List<StudyContext> contexts = new ArrayList<>();
      for (ReportItem item : items.getValue()) {
        if (item.finding() != null) {
          findings.add(item.finding());
        } else if (item.study() != null) {
          contexts.add(item.study());
        }
      }
      findings.sort(Finding.REPORT_ORDER);
      write("conflicts.csv", ConflictReport.csv(findings));
      write("conflicts.json", ConflictReport.json(findings));
      write("conflicts.html", withStudies ? ReviewPage.html(findings, contexts) : ConflictReport.html(findings));
      write("resolutions-template.csv", ConflictReport.template(findings));
    }

    private void write(String name, String report) throws IOException {
      WriteReportFile.write(path(output, name), null, List.of(report));
    }
  }

  /** A finding, or a study's context for the review page, or neither (the item that is always there). */
  record ReportItem(Finding finding, StudyContext study) {
    static final class Coder extends CustomCoder<ReportItem> {
      static final Coder INSTANCE = new Coder();
      private static final NullableCoder<Finding> FINDING = NullableCoder.of(Finding.Coder.of());
      private static final NullableCoder<StudyContext> STUDY = NullableCoder.of(StudyContext.Coder.of());

      @Override
      public void encode(ReportItem item, OutputStream out) throws IOException {
        FINDING.encode(item.finding(), out);
        STUDY.encode(item.study(), out);
      }

      @Override
      public ReportItem decode(InputStream in) throws IOException {
        return new ReportItem(FINDING.decode(in), STUDY.decode(in));
      }

      @Override
      public void verifyDeterministic() {}
    }
  }
}
