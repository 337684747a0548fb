package org.pacsmigrate.transforms;

import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Every file below the input location, at any depth: a local folder or {@code gs://bucket/prefix}, matched by
 * Beam's file systems with one {@code **} pattern, so the code does not branch on the scheme. An empty input is
 * not an error (the reports then say 0 files). The match is spread across workers before parsing.
 *
 * <p>Limit: one pattern is expanded by one worker, which holds the listing (a few hundred bytes per file) in
 * memory. Beam's file systems offer no streaming listing, so going beyond that means several runs over folders
 * or prefixes that no study crosses (see the runbook).
 */
public final class ListFiles extends PTransform<PBegin, PCollection<MatchResult.Metadata>> {
  private final String input;

  private ListFiles(String input) {
    this.input = input;
  }

  /** @param input a folder or bucket prefix; its files are listed recursively */
  public static ListFiles under(String input) {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("an input folder or gs:// prefix is required");
    }
    return new ListFiles(input);
  }

  /** The pattern that matches every file below the input. */
  public static String pattern(String input) {
    return input.endsWith("/") ? input + "**" : input + "/**";
  }

  @Override
  public PCollection<MatchResult.Metadata> expand(PBegin begin) {
    PCollection<MatchResult.Metadata> matched = begin.apply("Match",
        FileIO.match().filepattern(pattern(input)).withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW));
    return matched.apply("CountListed", ParDo.of(new CountFn())).setCoder(matched.getCoder());
  }

  private static final class CountFn extends DoFn<MatchResult.Metadata, MatchResult.Metadata> {
    private final Counter listed = MigrationMetrics.counter(MigrationMetrics.FILES_LISTED);

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, OutputReceiver<MatchResult.Metadata> out) {
      listed.inc();
      out.output(file);
    }
  }
}
