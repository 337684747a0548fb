package org.pacsmigrate.transforms;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.transforms.reconcile.ConflictReport;
import org.pacsmigrate.transforms.reconcile.Finding;

/**
 * Writes the conflict reports to {@code {output}/reports/}: {@code conflicts.csv}, {@code conflicts.json},
 * {@code conflicts.html} and {@code resolutions-template.csv}, on every run (empty of rows when nothing differs).
 * They hold patient data. The findings are brought to one worker and sorted, so the reports are in a stable order
 * and the page can count them: a finding is a few hundred bytes, and there is at most one per study, attribute
 * (and series).
 */
public final class ConflictReports extends PTransform<PCollection<Finding>, PDone> {
  private final String output;

  private ConflictReports(String output) {
    this.output = output;
  }

  public static ConflictReports to(String output) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    return new ConflictReports(output);
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
    write(all, "Html", "conflicts", ".html", ConflictReport::html);
    write(all, "Template", "resolutions-template", ".csv", ConflictReport::template);
    return PDone.in(findings.getPipeline());
  }

  private void write(PCollection<List<Finding>> all, String name, String file, String suffix,
      SerializableFunction<List<Finding>, String> render) {
    all.apply("Render" + name, MapElements.into(TypeDescriptors.strings()).via(render))
        .apply("Write" + name, WriteReportFile.to(path(output, file + suffix)));
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
