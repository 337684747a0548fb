package org.pacsmigrate.transforms;

import java.io.IOException;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Every file below the input location, at any depth: a local folder or {@code gs://bucket/prefix}, matched by
 * Beam's file systems with one {@code **} pattern, so the code does not branch on the scheme. An empty input is
 * not an error (the reports then say 0 files). The listing is then spread over workers for parsing.
 *
 * <p>This is FileIO.match() with a bounded spread: FileIO's own match reshuffles on one random key per file,
 * and the Direct runner pays a bundle per key (about 2 ms each: half a minute per 16,000 files on a laptop).
 * {@value #SPREAD_BUCKETS} keys still spread the parsing over any cluster this job will run on.
 *
 * <p>Limit: one pattern is expanded by one worker, which holds the listing (a few hundred bytes per file) in
 * memory. Beam's file systems offer no streaming listing, so going beyond that means several runs over folders
 * or prefixes that no study crosses (see the runbook).
 */
public final class ListFiles extends PTransform<PBegin, PCollection<MatchResult.Metadata>> {
  static final int SPREAD_BUCKETS = 1024;

  private final String input;

  private ListFiles(String input) {
    this.input = input;
  }

  /** @param input a folder or bucket prefix; its files are listed recursively */
  public static ListFiles under(String input) {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("an input folder or gs:// prefix is required");
    }
    // The input becomes the stem of a glob; names below it may hold anything, the stem may not.
    if (input.matches(".*[*?\\[\\]{}].*")) {
      throw new IllegalArgumentException("the input location may not contain * ? [ ] { } (it is matched as a "
          + "pattern): " + input);
    }
    return new ListFiles(input);
  }

  /** The pattern that matches every file below the input. */
  public static String pattern(String input) {
    return input.endsWith("/") ? input + "**" : input + "/**";
  }

  @Override
  public PCollection<MatchResult.Metadata> expand(PBegin begin) {
    return begin
        .apply("Pattern", Create.of(pattern(input)))
        .apply("Match", ParDo.of(new MatchFn()))
        .setCoder(MetadataCoderV2.of())
        .apply("Spread", Reshuffle.<MatchResult.Metadata>viaRandomKey().withNumBuckets(SPREAD_BUCKETS));
  }

  private static final class MatchFn extends DoFn<String, MatchResult.Metadata> {
    private final Counter listed = MigrationMetrics.counter(MigrationMetrics.FILES_LISTED);
    private final Counter listingComplete = MigrationMetrics.counter(MigrationMetrics.LISTING_COMPLETE);

    @ProcessElement
    public void process(@Element String pattern, OutputReceiver<MatchResult.Metadata> out) throws IOException {
      // A listing that fails (no permission, bucket missing) is not data: the job stops and says why.
      MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
      for (MatchResult.Metadata file : match.metadata()) {
        if (!file.resourceId().isDirectory()) {
          out.output(file);
        }
      }
      listed.inc(match.metadata().size());
      listingComplete.inc();
    }
  }
}
