package org.pacsmigrate.transforms.delta;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.transforms.model.PackedListCoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what earlier runs recorded ({@link PriorRun#journals()}): {@link #INSTANCES} in batches keyed by the
 * bucket of their file's location ({@link ReuseUnchangedFiles#bucket}), {@link #STUDIES} keyed by Study Instance UID, each with the start time of the run that recorded it (the latest
 * run's record wins where two runs recorded the same key). A journal is read up to a torn or corrupt record: what
 * comes after is not used, which costs only work (those files are read again, those studies written again).
 */
public final class ReadPriorRun extends PTransform<PBegin, PCollectionTuple> {
  /**
   * The instance records, a batch per bucket and journal (a few thousand records at most): a delta run handles
   * each file's record on its own only if its study is done again.
   */
  public static final TupleTag<KV<Integer, List<RecordedInstance>>> INSTANCES = new TupleTag<>() {};
  public static final TupleTag<KV<String, KV<Long, StudyRecord>>> STUDIES = new TupleTag<>() {};
  /**
   * Every record of a study (written, reconciled, archived) as it is, in batches keyed by the study's bucket
   * ({@link CarriedStudies#bucket}): what {@link CarriedStudies} weighs.
   */
  public static final TupleTag<KV<Integer, List<RecordedStudy>>> STUDY_RECORDS = new TupleTag<>() {};

  /** Records of one bucket handed on together, at most; and bytes held for all buckets, at most. */
  static final int BATCH_RECORDS = 2_000;
  static final int BATCH_BYTES = 16 << 20;

  private final List<String> journals;
  private final int buckets;
  private final int studyBuckets;

  private ReadPriorRun(List<String> journals, int buckets, int studyBuckets) {
    this.journals = List.copyOf(journals);
    this.buckets = buckets;
    this.studyBuckets = studyBuckets;
  }

  /**
   * @param buckets how many buckets the instance records are batched in, as the listing is split
   *     ({@link ReuseUnchangedFiles#bucketsFor})
   * @param studyBuckets how many buckets the study records are batched in ({@link CarriedStudies#bucketsFor})
   */
  public static ReadPriorRun from(List<String> journals, int buckets, int studyBuckets) {
    return new ReadPriorRun(journals, buckets, studyBuckets);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out = begin
        .apply("Journals", Create.of(numbered(journals))
            .withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
        // A grouping by number rather than Reshuffle: the same spread over workers, in one step, not five.
        .apply("Spread", GroupByKey.create())
        .apply("ReadJournal", ParDo.of(new ReadFn(buckets, studyBuckets)).withOutputTags(INSTANCES,
            TupleTagList.of(STUDIES).and(STUDY_RECORDS)));
    out.get(INSTANCES).setCoder(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of())));
    out.get(STUDIES).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        StudyRecord.Coder.of())));
    out.get(STUDY_RECORDS).setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(RecordedStudy.Coder.of())));
    return out;
  }

  private static List<KV<Integer, String>> numbered(List<String> journals) {
    List<KV<Integer, String>> n = new ArrayList<>();
    for (int i = 0; i < journals.size(); i++) {
      n.add(KV.of(i, journals.get(i)));
    }
    return n;
  }

  static final class ReadFn extends DoFn<KV<Integer, Iterable<String>>, KV<Integer, List<RecordedInstance>>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPriorRun.class);
    private final int buckets;
    private final int studyBuckets;

    ReadFn(int buckets, int studyBuckets) {
      this.buckets = buckets;
      this.studyBuckets = studyBuckets;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> journals, MultiOutputReceiver out) throws Exception {
      for (String journal : journals.getValue()) {
        read(journal, out);
      }
    }

    private void read(String journal, MultiOutputReceiver out) throws Exception {
      Batches<RecordedInstance> batches = new Batches<>(r -> ReuseUnchangedFiles.bucket(r.path(), buckets),
          r -> r.payload().length, out.get(INSTANCES));
      Batches<RecordedStudy> studies = new Batches<>(r -> CarriedStudies.bucket(r.studyUid(), studyBuckets),
          r -> r.payload().length, out.get(STUDY_RECORDS));
      Path file = Path.of(journal);
      long run;
      try {
        run = IndexJournal.readHeader(file).runStarted();
      } catch (java.nio.file.NoSuchFileException e) {
        // Gone since the run was planned: what it knew is done again (files read, studies written).
        LOG.warn("Index journal {} is gone: its files are read and its studies written again", file.getFileName());
        return;
      }
      IndexJournal.End end = IndexJournal.read(file, (kind, payload) -> {
        if (kind == RunIndex.INSTANCE) {
          batches.add(RecordedInstance.of(run, payload));
        } else if (kind == RunIndex.STUDY) {
          StudyRecord s = StudyRecord.decode(payload);
          out.get(STUDIES).output(KV.of(s.studyUid(), KV.of(run, s)));
          studies.add(RecordedStudy.written(run, s, payload));
        } else {
          RecordedStudy r = RecordedStudy.of(kind, run, payload);
          if (r != null) {
            studies.add(r);
          }
        }
      });
      batches.flushAll();
      studies.flushAll();
      if (end == IndexJournal.End.CORRUPT) {
        LOG.warn("Index journal {} is corrupt after some records: the rest is not used (its files are read and "
            + "its studies written again)", file.getFileName());
      }
    }
  }

  /** Per-bucket batches of records, handed on when full and at the journal's end. */
  private static final class Batches<T> {
    private final ToIntFunction<T> bucketOf;
    private final ToIntFunction<T> sizeOf;
    private final DoFn.OutputReceiver<KV<Integer, List<T>>> out;
    private final Map<Integer, List<T>> pending = new HashMap<>();
    private long bytes;

    Batches(ToIntFunction<T> bucketOf, ToIntFunction<T> sizeOf, DoFn.OutputReceiver<KV<Integer, List<T>>> out) {
      this.bucketOf = bucketOf;
      this.sizeOf = sizeOf;
      this.out = out;
    }

    void add(T r) {
      int bucket = bucketOf.applyAsInt(r);
      List<T> batch = pending.computeIfAbsent(bucket, b -> new ArrayList<>());
      batch.add(r);
      bytes += sizeOf.applyAsInt(r);
      if (batch.size() >= BATCH_RECORDS) {
        pending.remove(bucket);
        out.output(KV.of(bucket, batch));
        bytes -= batch.stream().mapToLong(sizeOf::applyAsInt).sum();
      } else if (bytes > BATCH_BYTES) {
        flushAll();
      }
    }

    void flushAll() {
      // In bucket order: what a journal hands on does not depend on a hash map's order.
      new TreeMap<>(pending).forEach((bucket, batch) -> out.output(KV.of(bucket, batch)));
      pending.clear();
      bytes = 0;
    }
  }

  /** The latest run's record of a key, or null. */
  static <T> T latest(Iterable<KV<Long, T>> records) {
    KV<Long, T> best = null;
    for (KV<Long, T> r : records) {
      if (best == null || r.getKey() > best.getKey()) {
        best = r;
      }
    }
    return best == null ? null : best.getValue();
  }
}
