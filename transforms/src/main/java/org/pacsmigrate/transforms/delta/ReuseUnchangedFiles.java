package org.pacsmigrate.transforms.delta;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.transforms.ListedFile;
import org.pacsmigrate.transforms.MigrationMetrics;
import org.pacsmigrate.transforms.ParsedInstance;
import org.pacsmigrate.transforms.ParsedInstanceCoder;

/**
 * Splits the listing against the index: a file listed with the size and modification time an earlier run
 * recorded is {@link #UNCHANGED} (its record is taken from the index, keyed by study as ParseHeaders keys what it
 * parses); every other file is {@link #TO_PARSE}. A file whose modification time is unknown (0) is always read.
 * Files the index knows but the listing no longer has drop out here; their studies change, and are written again.
 */
public final class ReuseUnchangedFiles extends PTransform<PCollection<ListedFile>, PCollectionTuple> {
  public static final TupleTag<ListedFile> TO_PARSE = new TupleTag<>() {};
  public static final TupleTag<KV<String, ParsedInstance>> UNCHANGED = new TupleTag<>() {};

  // Static: an anonymous tag made in expand() would hold this transform, and its PCollection, when serialized.
  private static final TupleTag<ListedFile> NOW = new TupleTag<>() {};
  private static final TupleTag<KV<Long, ParsedInstance>> BEFORE = new TupleTag<>() {};

  private final PCollection<KV<String, KV<Long, ParsedInstance>>> prior;

  private ReuseUnchangedFiles(PCollection<KV<String, KV<Long, ParsedInstance>>> prior) {
    this.prior = prior;
  }

  /** @param prior {@link ReadPriorRun#INSTANCES} */
  public static ReuseUnchangedFiles against(PCollection<KV<String, KV<Long, ParsedInstance>>> prior) {
    return new ReuseUnchangedFiles(prior);
  }

  @Override
  public PCollectionTuple expand(PCollection<ListedFile> listed) {
    PCollection<KV<String, ListedFile>> byPath = listed
        .apply("ByPath", WithKeys.of(ListedFile::path).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListedFile.Coder.of()));
    PCollectionTuple out = KeyedPCollectionTuple.of(NOW, byPath).and(BEFORE, prior)
        .apply("JoinIndex", CoGroupByKey.create())
        .apply("Decide", ParDo.of(new DecideFn(NOW, BEFORE)).withOutputTags(TO_PARSE, TupleTagList.of(UNCHANGED)));
    out.get(TO_PARSE).setCoder(ListedFile.Coder.of());
    out.get(UNCHANGED).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    return out;
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, ListedFile> {
    private final TupleTag<ListedFile> now;
    private final TupleTag<KV<Long, ParsedInstance>> before;
    private final Counter unchanged = MigrationMetrics.counter(MigrationMetrics.FILES_UNCHANGED);

    DecideFn(TupleTag<ListedFile> now, TupleTag<KV<Long, ParsedInstance>> before) {
      this.now = now;
      this.before = before;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> e, MultiOutputReceiver out) {
      ParsedInstance known = ReadPriorRun.latest(e.getValue().getAll(before));
      for (ListedFile f : e.getValue().getAll(now)) {
        if (known != null && f.modified() != 0 && f.size() == known.size() && f.modified() == known.modified()) {
          unchanged.inc();
          out.get(UNCHANGED).output(KV.of(known.studyUid(), known));
        } else {
          out.get(TO_PARSE).output(f);
        }
      }
    }
  }
}
