package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.io.FolderWalk;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.io.SourceChannels;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.SharedStrings;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;

/**
 * Reads the header of every listed file in parallel. Files that can be archived come out under
 * {@link #PARSED}, keyed by Study Instance UID; the rest under {@link #REJECTED} with their reason (the
 * dead-letter output): bad data never fails the job.
 */
public final class ParseHeaders
    extends PTransform<PCollection<ListedFile>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedInstance>> PARSED = new TupleTag<>() {};
  public static final TupleTag<RejectedFile> REJECTED = new TupleTag<>() {};

  private final Set<Integer> recorded;
  private final int maxInflationRatio;

  private ParseHeaders(Set<Integer> recorded, int maxInflationRatio) {
    this.recorded = recorded;
    this.maxInflationRatio = maxInflationRatio;
  }

  /** Records what the standard reconciliation rules compare. */
  public static ParseHeaders create() {
    return create(ReconciliationRules.standard());
  }

  /** Each parsed file's record keeps the attributes these rules compare (and nothing else of the header). */
  public static ParseHeaders create(ReconciliationRules rules) {
    return new ParseHeaders(ParsedInstance.recordedTags(rules), P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio a deflated data set inflating beyond this ratio is rejected (see P10Reader) */
  public ParseHeaders withMaxInflationRatio(int maxInflationRatio) {
    if (maxInflationRatio < 1) {
      throw new IllegalArgumentException("the maximum inflation ratio must be at least 1, not " + maxInflationRatio);
    }
    return new ParseHeaders(recorded, maxInflationRatio);
  }

  @Override
  public PCollectionTuple expand(PCollection<ListedFile> files) {
    // Compressed-looking names (.gz, .zip) are read as they are: a DICOM file is never transport-compressed.
    // Each file is opened by its listed location, byte for byte (SourceChannels), never by a decoded name.
    PCollectionTuple out = files
        .apply("ReadHeader", ParDo.of(new ParseFn(recorded, maxInflationRatio))
            .withOutputTags(PARSED, TupleTagList.of(REJECTED)));
    out.get(PARSED).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    out.get(REJECTED).setCoder(RejectedFile.Coder.of());
    return out;
  }

  static final class ParseFn extends DoFn<ListedFile, KV<String, ParsedInstance>> {
    private final Counter parsed = MigrationMetrics.counter(MigrationMetrics.FILES_PARSED);
    private final Counter rejected = MigrationMetrics.counter(MigrationMetrics.FILES_REJECTED);
    private final Counter filesDone = MigrationMetrics.counter(MigrationMetrics.FILES_DONE);
    private final Counter bytesDone = MigrationMetrics.counter(MigrationMetrics.BYTES_DONE);
    private final Set<Integer> recorded;
    private final int maxInflationRatio;
    private transient HeaderCheck check;
    private transient SharedStrings shared;

    ParseFn(Set<Integer> recorded, int maxInflationRatio) {
      this.recorded = Set.copyOf(recorded);
      this.maxInflationRatio = maxInflationRatio;
    }

    @Setup
    public void setup() {
      check = new HeaderCheck(recorded, maxInflationRatio);
      shared = new SharedStrings();
    }

    @ProcessElement
    public void process(@Element ListedFile file, MultiOutputReceiver out) {
      String path = file.path();
      long size = file.size();
      HeaderCheck.Verdict verdict;
      try (SeekableByteChannel channel = SourceChannels.open(path)) {
        verdict = check.check(path, size, file.modified(), channel);
      } catch (IOException e) {
        verdict = new HeaderCheck.Verdict(null, new RejectedFile(path, size, "",
            "could not be opened: " + FolderWalk.describe(e)));
      }
      if (verdict.parsed() != null) {
        parsed.inc();
        ParsedInstance record = shared.share(verdict.parsed());
        out.get(PARSED).output(KV.of(record.studyUid(), record));
      } else {
        rejected.inc();
        filesDone.inc();
        bytesDone.inc(verdict.rejected().size());
        out.get(REJECTED).output(verdict.rejected());
      }
    }
  }
}
