package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
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

/**
 * Reads the header of every listed file in parallel. Files that can be archived come out under
 * {@link #PARSED}, keyed by Study Instance UID; the rest under {@link #REJECTED} with their reason (the
 * dead-letter output): bad data never fails the job.
 */
public final class ParseHeaders
    extends PTransform<PCollection<ListedFile>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedInstance>> PARSED = new TupleTag<>() {};
  public static final TupleTag<RejectedFile> REJECTED = new TupleTag<>() {};

  private ParseHeaders() {}

  public static ParseHeaders create() {
    return new ParseHeaders();
  }

  @Override
  public PCollectionTuple expand(PCollection<ListedFile> files) {
    // Compressed-looking names (.gz, .zip) are read as they are: a DICOM file is never transport-compressed.
    // Each file is opened by its listed location, byte for byte (SourceChannels), never by a decoded name.
    PCollectionTuple out = files
        .apply("ReadHeader", ParDo.of(new ParseFn()).withOutputTags(PARSED, TupleTagList.of(REJECTED)));
    out.get(PARSED).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    out.get(REJECTED).setCoder(RejectedFile.Coder.of());
    return out;
  }

  static final class ParseFn extends DoFn<ListedFile, KV<String, ParsedInstance>> {
    private final Counter parsed = MigrationMetrics.counter(MigrationMetrics.FILES_PARSED);
    private final Counter rejected = MigrationMetrics.counter(MigrationMetrics.FILES_REJECTED);
    private transient HeaderCheck check;

    @Setup
    public void setup() {
      check = new HeaderCheck();
    }

    @ProcessElement
    public void process(@Element ListedFile file, MultiOutputReceiver out) {
      String path = file.path();
      long size = file.size();
      HeaderCheck.Verdict verdict;
      try (SeekableByteChannel channel = SourceChannels.open(path)) {
        verdict = check.check(path, size, channel);
      } catch (IOException e) {
        verdict = new HeaderCheck.Verdict(null, new RejectedFile(path, size, "",
            "could not be opened: " + FolderWalk.describe(e)));
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
