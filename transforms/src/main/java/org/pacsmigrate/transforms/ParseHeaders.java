package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
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

/**
 * Reads the header of every listed file in parallel. Files that can be archived come out under
 * {@link #PARSED}, keyed by Study Instance UID; the rest under {@link #REJECTED} with their reason (the
 * dead-letter output): bad data never fails the job.
 */
public final class ParseHeaders
    extends PTransform<PCollection<MatchResult.Metadata>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedInstance>> PARSED = new TupleTag<>() {};
  public static final TupleTag<RejectedFile> REJECTED = new TupleTag<>() {};

  private final int maxInflationRatio;

  private ParseHeaders(int maxInflationRatio) {
    this.maxInflationRatio = maxInflationRatio;
  }

  public static ParseHeaders create() {
    return new ParseHeaders(P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio a deflated data set inflating beyond this ratio is rejected (see P10Reader) */
  public ParseHeaders withMaxInflationRatio(int maxInflationRatio) {
    if (maxInflationRatio < 1) {
      throw new IllegalArgumentException("the maximum inflation ratio must be at least 1, not " + maxInflationRatio);
    }
    return new ParseHeaders(maxInflationRatio);
  }

  @Override
  public PCollectionTuple expand(PCollection<MatchResult.Metadata> files) {
    PCollectionTuple out = files
        // Compressed-looking names (.gz, .zip) are read as they are: a DICOM file is never transport-compressed.
        .apply("Open", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
        .apply("ReadHeader", ParDo.of(new ParseFn(maxInflationRatio)).withOutputTags(PARSED, TupleTagList.of(REJECTED)));
    out.get(PARSED).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    out.get(REJECTED).setCoder(RejectedFile.Coder.of());
    return out;
  }

  static final class ParseFn extends DoFn<FileIO.ReadableFile, KV<String, ParsedInstance>> {
    private final Counter parsed = MigrationMetrics.counter(MigrationMetrics.FILES_PARSED);
    private final Counter rejected = MigrationMetrics.counter(MigrationMetrics.FILES_REJECTED);
    private final int maxInflationRatio;
    private transient HeaderCheck check;

    ParseFn(int maxInflationRatio) {
      this.maxInflationRatio = maxInflationRatio;
    }

    @Setup
    public void setup() {
      check = new HeaderCheck(maxInflationRatio);
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      MatchResult.Metadata metadata = file.getMetadata();
      String path = metadata.resourceId().toString();
      long size = metadata.sizeBytes();
      HeaderCheck.Verdict verdict;
      try (SeekableByteChannel channel = metadata.isReadSeekEfficient()
          ? file.openSeekable() : SourceChannels.seekable(file.open())) {
        verdict = check.check(path, size, channel);
      } catch (IOException e) {
        verdict = new HeaderCheck.Verdict(null, new RejectedFile(path, size, "",
            "could not be opened: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
      if (verdict.parsed() != null) {
        parsed.inc();
        out.get(PARSED).output(KV.of(verdict.parsed().studyUid(), verdict.parsed()));
      } else {
        rejected.inc();
        out.get(REJECTED).output(verdict.rejected());
      }
    }
  }
}
