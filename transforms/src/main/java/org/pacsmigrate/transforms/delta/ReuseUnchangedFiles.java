package org.pacsmigrate.transforms.delta;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.values.PCollectionView;
import java.util.Map;
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
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.MigrationMetrics;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/**
 * Splits the listing against the index: a file listed with the size and modification time an earlier run
 * recorded is {@link #UNCHANGED} (its record is taken from the index, keyed by study as ParseHeaders keys what it
 * parses); every other file is {@link #TO_PARSE}. A file whose modification time is unknown (0) is always read.
 * Files the index knows but the listing no longer has drop out here; their studies change, and are written again.
 */
public final class ReuseUnchangedFiles extends PTransform<PCollection<ListedFile>, PCollectionTuple> {
  public static final TupleTag<ListedFile> TO_PARSE = new TupleTag<>() {};
  public static final TupleTag<KV<String, ParsedInstance>> UNCHANGED = new TupleTag<>() {};
  /**
   * Studies that must be done again whatever the files now read say: a file of theirs changed or is gone, or
   * an unchanged file of theirs was recorded by a later run than the study was ({@link CarriedStudies}).
   */
  public static final TupleTag<String> TOUCHED_STUDIES = new TupleTag<>() {};

  // Static: an anonymous tag made in expand() would hold this transform, and its PCollection, when serialized.
  private static final TupleTag<ListedFile> NOW = new TupleTag<>() {};
  private static final TupleTag<KV<Long, ParsedInstance>> BEFORE = new TupleTag<>() {};

  private final PCollection<KV<String, KV<Long, ParsedInstance>>> prior;
  private final int buckets;
  private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;

  private ReuseUnchangedFiles(PCollection<KV<String, KV<Long, ParsedInstance>>> prior, int buckets,
      PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded) {
    this.prior = prior;
    this.buckets = buckets;
    this.recorded = recorded;
  }

  /**
   * @param prior {@link ReadPriorRun#INSTANCES}
   * @param expectedFiles about how many files the index knows ({@link PriorRun#expectedRecords()}): the join
   *     works on buckets of about a thousand paths, not one group per path (a runner's cost per group, about a
   *     millisecond for each step it passes, would make a delta run slower than a full one)
   */
  public static ReuseUnchangedFiles against(PCollection<KV<String, KV<Long, ParsedInstance>>> prior,
      long expectedFiles) {
    return new ReuseUnchangedFiles(prior, (int) Math.max(1, Math.min(1 << 20, expectedFiles / 1000)), null);
  }

  /**
   * The same, also naming in {@link #TOUCHED_STUDIES} the studies that cannot be carried over as recorded.
   *
   * @param recorded {@link CarriedStudies#recordedView}
   */
  public ReuseUnchangedFiles withRecordedStudies(PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded) {
    return new ReuseUnchangedFiles(prior, buckets, recorded);
  }

  /**
   * A path's bucket keeps neighbours together: the folder and the name without its extension and last two
   * characters ({@code IM00073.dcm} and {@code IM00011.dcm} share {@code IM000}). The listing hands files on in
   * name order, chunk by chunk, so a chunk meets few buckets. The Direct runner copies a group's values each time
   * a bundle adds to it; with paths hashed over all buckets every chunk added to every bucket, and a delta run
   * of 20,000 files made about four million such copies (more time than the full run it was to save).
   */
  static int bucket(String path, int buckets) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    int end = dot > slash + 1 ? dot : path.length();
    end = Math.max(slash + 1, end - 2);
    return Math.floorMod(path.substring(0, end).hashCode(), buckets);
  }

  @Override
  public PCollectionTuple expand(PCollection<ListedFile> listed) {
    int n = buckets;
    PCollection<KV<Integer, ListedFile>> listedByBucket = listed
        .apply("ByBucket", WithKeys.of((ListedFile f) -> bucket(f.path(), n)).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListedFile.Coder.of()));
    PCollection<KV<Integer, KV<Long, ParsedInstance>>> priorByBucket = prior
        .apply("PriorByBucket", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(),
                TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptor.of(ParsedInstance.class))))
            .via((KV<String, KV<Long, ParsedInstance>> e) -> KV.of(bucket(e.getKey(), n), e.getValue())))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), ParsedInstanceCoder.of())));
    PCollectionTuple out = KeyedPCollectionTuple.of(NOW, listedByBucket).and(BEFORE, priorByBucket)
        .apply("JoinIndex", CoGroupByKey.create())
        .apply("Decide", (recorded == null ? ParDo.of(new DecideFn(NOW, BEFORE, null))
            : ParDo.of(new DecideFn(NOW, BEFORE, recorded)).withSideInputs(recorded))
            .withOutputTags(TO_PARSE, TupleTagList.of(UNCHANGED).and(TOUCHED_STUDIES)));
    out.get(TO_PARSE).setCoder(ListedFile.Coder.of());
    out.get(TOUCHED_STUDIES).setCoder(StringUtf8Coder.of());
    out.get(UNCHANGED).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    return out;
  }

  static final class DecideFn extends DoFn<KV<Integer, CoGbkResult>, ListedFile> {
    private final TupleTag<ListedFile> now;
    private final TupleTag<KV<Long, ParsedInstance>> before;
    private final Counter unchanged = MigrationMetrics.counter(MigrationMetrics.FILES_UNCHANGED);
    private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;

    DecideFn(TupleTag<ListedFile> now, TupleTag<KV<Long, ParsedInstance>> before,
        PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded) {
      this.now = now;
      this.before = before;
      this.recorded = recorded;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, MultiOutputReceiver out, ProcessContext c) {
      Map<String, Iterable<KV<Long, Integer>>> studies = recorded == null ? null : c.sideInput(recorded);
      Map<String, Long> studyRuns = new HashMap<>();
      Set<String> touched = new HashSet<>();
      // One bucket's records: a few thousand at most, whatever the source's size.
      Map<String, KV<Long, ParsedInstance>> known = new HashMap<>();
      for (KV<Long, ParsedInstance> r : e.getValue().getAll(before)) {
        known.merge(r.getValue().path(), r, (a, b) -> b.getKey() > a.getKey() ? b : a);
      }
      for (ListedFile f : e.getValue().getAll(now)) {
        KV<Long, ParsedInstance> k = known.get(f.path());
        ParsedInstance p = k == null ? null : k.getValue();
        if (p != null && f.modified() != 0 && f.size() == p.size() && f.modified() == p.modified()) {
          unchanged.inc();
          out.get(UNCHANGED).output(KV.of(p.studyUid(), p));
          if (studies != null) {
            long studyRun = studyRuns.computeIfAbsent(p.studyUid(),
                uid -> CarriedStudies.recordedRun(studies.get(uid)));
            // Every run records again each file it lists: a file recorded by another run than its study's
            // records (one that stopped between the two, or a file that was away when the study was recorded) may
            // not be counted in them.
            if (studyRun >= 0 && k.getKey() != studyRun) {
              touched.add(p.studyUid());
            }
          }
        } else {
          out.get(TO_PARSE).output(f);
          if (p != null) {
            touched.add(p.studyUid());
          }
        }
        known.remove(f.path());
      }
      if (studies != null) {
        for (KV<Long, ParsedInstance> gone : known.values()) {
          touched.add(gone.getValue().studyUid());
        }
        touched.forEach(out.get(TOUCHED_STUDIES)::output);
      }
    }
  }
}
