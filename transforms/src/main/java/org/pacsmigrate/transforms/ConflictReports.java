package org.pacsmigrate.transforms;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
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
    PCollection<List<Finding>> all = findings
        .apply("CollectAndSort", Combine.globally(new SortedFindings()))
        .setCoder(ListCoder.of(Finding.Coder.of()));
    write(all, "Csv", "conflicts", ".csv", ConflictReport::csv);
    write(all, "Json", "conflicts", ".json", ConflictReport::json);
    if (studies == null) {
      write(all, "Html", "conflicts", ".html", ConflictReport::html);
    } else {
      // One small record per study with findings, gathered on the worker that renders the page.
      PCollectionView<List<StudyContext>> contexts = studies
          .apply("CollectStudies", Combine.globally(new ListOf<StudyContext>(StudyContext.Coder.of())))
          .setCoder(ListCoder.of(StudyContext.Coder.of()))
          .apply("StudiesView", View.asSingleton());
      all.apply("RenderHtml", ParDo.of(new HtmlFn(contexts)).withSideInputs(contexts))
          .setCoder(StringUtf8Coder.of())
          .apply("WriteHtml", WriteReportFile.to(path(output, "conflicts.html")));
    }
    write(all, "Template", "resolutions-template", ".csv", ConflictReport::template);
    return PDone.in(findings.getPipeline());
  }

  private void write(PCollection<List<Finding>> all, String name, String file, String suffix,
      SerializableFunction<List<Finding>, String> render) {
    all.apply("Render" + name, MapElements.into(TypeDescriptors.strings()).via(render))
        .apply("Write" + name, WriteReportFile.to(path(output, file + suffix)));
  }

  /** The review page, from the sorted findings and the study contexts (a side input). */
  static final class HtmlFn extends DoFn<List<Finding>, String> {
    private final PCollectionView<List<StudyContext>> contexts;

    HtmlFn(PCollectionView<List<StudyContext>> contexts) {
      this.contexts = contexts;
    }

    @ProcessElement
    public void process(@Element List<Finding> findings, OutputReceiver<String> out, ProcessContext c) {
      out.output(ReviewPage.html(findings, c.sideInput(contexts)));
    }
  }

  /** Every element in one list (any order). */
  static final class ListOf<T> extends Combine.CombineFn<T, List<T>, List<T>> {
    private final Coder<T> coder;

    ListOf(Coder<T> coder) {
      this.coder = coder;
    }

    @Override
    public List<T> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<T> addInput(List<T> accumulator, T input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<T> mergeAccumulators(Iterable<List<T>> accumulators) {
      List<T> all = new ArrayList<>();
      accumulators.forEach(all::addAll);
      return all;
    }

    @Override
    public List<T> extractOutput(List<T> accumulator) {
      return accumulator;
    }

    @Override
    public Coder<List<T>> getAccumulatorCoder(CoderRegistry registry, Coder<T> input) {
      return ListCoder.of(coder);
    }

    @Override
    public Coder<List<T>> getDefaultOutputCoder(CoderRegistry registry, Coder<T> input) {
      return ListCoder.of(coder);
    }
  }

  static final class SortedFindings extends Combine.CombineFn<Finding, List<Finding>, List<Finding>> {
    @Override
    public List<Finding> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<Finding> addInput(List<Finding> accumulator, Finding input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<Finding> mergeAccumulators(Iterable<List<Finding>> accumulators) {
      List<Finding> all = new ArrayList<>();
      accumulators.forEach(all::addAll);
      return all;
    }

    @Override
    public List<Finding> extractOutput(List<Finding> accumulator) {
      List<Finding> sorted = new ArrayList<>(accumulator);
      sorted.sort(Finding.REPORT_ORDER);
      return sorted;
    }

    @Override
    public Coder<List<Finding>> getAccumulatorCoder(CoderRegistry registry, Coder<Finding> input) {
      return ListCoder.of(Finding.Coder.of());
    }

    @Override
    public Coder<List<Finding>> getDefaultOutputCoder(CoderRegistry registry, Coder<Finding> input) {
      return ListCoder.of(Finding.Coder.of());
    }
  }
}
