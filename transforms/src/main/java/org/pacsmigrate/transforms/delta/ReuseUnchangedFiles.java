package org.pacsmigrate.transforms.delta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.transforms.MigrationMetrics;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.PackedListCoder;

/**
 * Splits the listing against the index: a file listed with the size and modification time an earlier run
 * recorded is {@link #UNCHANGED} (its record is taken from the index as it is); every other file is
 * {@link #TO_PARSE}. A file whose modification time is unknown (0) is always read. Files the index knows but the
 * listing no longer has drop out here; their studies change, and are written again.
 *
 * <p>Works on the listing's chunks and the index's batches, split by bucket ({@link #bucket}), never on one
 * element per file: most files of a delta run are unchanged, and a runner's cost per element and per bundle
 * would make the comparison dearer than the work it saves. {@link #UNCHANGED} is one batch per bucket.
 */
public final class ReuseUnchangedFiles extends PTransform<PCollection<KV<Integer, List<ListedFile>>>, PCollectionTuple> {
  public static final TupleTag<ListedFile> TO_PARSE = new TupleTag<>() {};
  /** The unchanged files' records, in batches keyed by their study's bucket ({@link CarriedStudies#bucket}). */
  public static final TupleTag<KV<Integer, List<RecordedInstance>>> UNCHANGED = new TupleTag<>() {};
  /** Studies that must be done again whatever the files now read say: a file of theirs changed or is gone. */
  public static final TupleTag<String> TOUCHED_STUDIES = new TupleTag<>() {};

  // Static: an anonymous tag made in expand() would hold this transform, and its PCollection, when serialized.
  private static final TupleTag<List<ListedFile>> NOW = new TupleTag<>() {};
  private static final TupleTag<List<RecordedInstance>> BEFORE = new TupleTag<>() {};

  private final PCollection<KV<Integer, List<RecordedInstance>>> prior;
  private final int buckets;
  private final int studyBuckets;

  private ReuseUnchangedFiles(PCollection<KV<Integer, List<RecordedInstance>>> prior, int buckets,
      int studyBuckets) {
    this.prior = prior;
    this.buckets = buckets;
    this.studyBuckets = studyBuckets;
  }

  /**
   * How many buckets the comparison works on for an index of about {@code expectedFiles} records: buckets of
   * about 20,000 paths, two at least (two workers). One bucket's records are held in memory while it is compared
   * (about 15 MB). Each bucket is a bundle of unchanged files into the carry-over's grouping, and the Direct
   * runner copies a grouping's buffered values once per bundle: with buckets of 5,000 paths, a 200,000-file delta
   * run took 12.4-13.7 s; with 20,000, 10.7-12.3 s.
   */
  public static int bucketsFor(long expectedFiles) {
    return (int) Math.max(2, Math.min(1 << 20, expectedFiles / 20_000));
  }

  /**
   * @param prior {@link ReadPriorRun#INSTANCES}, batched in the same number of buckets
   * @param buckets {@link #bucketsFor} the index's size
   * @param studyBuckets {@link CarriedStudies#bucketsFor} the index's size: how {@link #UNCHANGED} is keyed
   */
  public static ReuseUnchangedFiles against(PCollection<KV<Integer, List<RecordedInstance>>> prior, int buckets,
      int studyBuckets) {
    return new ReuseUnchangedFiles(prior, buckets, studyBuckets);
  }

  /**
   * A path's bucket keeps neighbours together: the folder and the name without its extension and last two
   * characters ({@code IM00073.dcm} and {@code IM00011.dcm} share {@code IM000}). The listing hands files on in
   * name order, chunk by chunk, so a chunk meets few buckets. The Direct runner copies a group's values each time
   * a bundle adds to it; with paths hashed over all buckets every chunk added to every bucket.
   */
  static int bucket(String path, int buckets) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    int end = dot > slash + 1 ? dot : path.length();
    end = Math.max(slash + 1, end - 2);
    return Math.floorMod(path.substring(0, end).hashCode(), buckets);
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<Integer, List<ListedFile>>> chunks) {
    PCollection<KV<Integer, List<ListedFile>>> listedByBucket = chunks
        .apply("ByBucket", ParDo.of(new ByBucketFn(buckets)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(ListedFile.Coder.of())));
    PCollectionTuple out = KeyedPCollectionTuple.of(NOW, listedByBucket).and(BEFORE, prior)
        .apply("JoinIndex", CoGroupByKey.create())
        .apply("Decide", ParDo.of(new DecideFn(NOW, BEFORE, studyBuckets))
            .withOutputTags(TO_PARSE, TupleTagList.of(UNCHANGED).and(TOUCHED_STUDIES)));
    out.get(TO_PARSE).setCoder(ListedFile.Coder.of());
    out.get(TOUCHED_STUDIES).setCoder(StringUtf8Coder.of());
    out.get(UNCHANGED).setCoder(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of())));
    return out;
  }

  /** A chunk's files, split by bucket (in the order listed). */
  static final class ByBucketFn extends DoFn<KV<Integer, List<ListedFile>>, KV<Integer, List<ListedFile>>> {
    private final int buckets;

    ByBucketFn(int buckets) {
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element KV<Integer, List<ListedFile>> chunk,
        OutputReceiver<KV<Integer, List<ListedFile>>> out) {
      Map<Integer, List<ListedFile>> byBucket = new TreeMap<>();
      for (ListedFile f : chunk.getValue()) {
        byBucket.computeIfAbsent(bucket(f.path(), buckets), b -> new ArrayList<>()).add(f);
      }
      byBucket.forEach((b, files) -> out.output(KV.of(b, files)));
    }
  }

  static final class DecideFn extends DoFn<KV<Integer, CoGbkResult>, ListedFile> {
    private final TupleTag<List<ListedFile>> now;
    private final TupleTag<List<RecordedInstance>> before;
    private final Counter unchanged = MigrationMetrics.counter(MigrationMetrics.FILES_UNCHANGED);
    private final int studyBuckets;

    DecideFn(TupleTag<List<ListedFile>> now, TupleTag<List<RecordedInstance>> before, int studyBuckets) {
      this.now = now;
      this.before = before;
      this.studyBuckets = studyBuckets;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, MultiOutputReceiver out) {
      Set<String> touched = new TreeSet<>();
      // One bucket's records: a few thousand at most, whatever the source's size.
      Map<String, RecordedInstance> known = new HashMap<>();
      for (List<RecordedInstance> batch : e.getValue().getAll(before)) {
        for (RecordedInstance r : batch) {
          known.merge(r.path(), r, (a, b) -> b.run() > a.run() ? b : a);
        }
      }
      Map<Integer, List<RecordedInstance>> same = new TreeMap<>();
      for (List<ListedFile> files : e.getValue().getAll(now)) {
        for (ListedFile f : files) {
          RecordedInstance r = known.remove(f.path());
          if (r != null && f.modified() != 0 && f.size() == r.size() && f.modified() == r.modified()) {
            unchanged.inc();
            same.computeIfAbsent(CarriedStudies.bucket(r.studyUid(), studyBuckets), b -> new ArrayList<>()).add(r);
          } else {
            out.get(TO_PARSE).output(f);
            if (r != null) {
              touched.add(r.studyUid());
            }
          }
        }
      }
      same.forEach((bucket, records) -> out.get(UNCHANGED).output(KV.of(bucket, records)));
      for (RecordedInstance gone : known.values()) {
        touched.add(gone.studyUid());
      }
      touched.forEach(out.get(TOUCHED_STUDIES)::output);
    }
  }
}
