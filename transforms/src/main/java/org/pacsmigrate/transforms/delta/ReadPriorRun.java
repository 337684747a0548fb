package org.pacsmigrate.transforms.delta;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.transforms.model.StudyResult;
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
  /** Each study's reconciliation as recorded ({@link RunIndex#RECONCILED}), keyed by Study Instance UID. */
  public static final TupleTag<KV<String, KV<Long, CarriedReconciliation>>> RECONCILED = new TupleTag<>() {};
  /** Each archived study's manifest rows as recorded ({@link RunIndex#ARCHIVED}), keyed by Study Instance UID. */
  public static final TupleTag<KV<String, KV<Long, StudyResult>>> ARCHIVED = new TupleTag<>() {};

  /** Records of one bucket handed on together, at most; and bytes held for all buckets, at most. */
  static final int BATCH_RECORDS = 2_000;
  static final int BATCH_BYTES = 16 << 20;

  private final List<String> journals;
  private final int buckets;

  private ReadPriorRun(List<String> journals, int buckets) {
    this.journals = List.copyOf(journals);
    this.buckets = buckets;
  }

  /** @param buckets how many buckets the instance records are batched in, as the listing is split */
  public static ReadPriorRun from(List<String> journals, int buckets) {
    return new ReadPriorRun(journals, buckets);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out = begin
        .apply("Journals", Create.of(numbered(journals))
            .withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
        // A grouping by number rather than Reshuffle: the same spread over workers, in one step, not five.
        .apply("Spread", GroupByKey.create())
        .apply("ReadJournal", ParDo.of(new ReadFn(buckets)).withOutputTags(INSTANCES,
            TupleTagList.of(STUDIES).and(RECONCILED).and(ARCHIVED)));
    out.get(INSTANCES).setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(RecordedInstance.Coder.of())));
    out.get(STUDIES).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        StudyRecord.Coder.of())));
    out.get(RECONCILED).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        CarriedReconciliation.Coder.of())));
    out.get(ARCHIVED).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        StudyResult.Coder.of())));
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

    ReadFn(int buckets) {
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> journals, MultiOutputReceiver out) throws Exception {
      for (String journal : journals.getValue()) {
        read(journal, out);
      }
    }

    private void read(String journal, MultiOutputReceiver out) throws Exception {
      Batches batches = new Batches(buckets, out.get(INSTANCES));
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
        } else if (kind == RunIndex.RECONCILED) {
          CarriedReconciliation r = CarriedReconciliation.decode(payload);
          out.get(RECONCILED).output(KV.of(r.studyUid(), KV.of(run, r)));
        } else if (kind == RunIndex.ARCHIVED) {
          StudyResult r = CoderUtils.decodeFromByteArray(StudyResult.Coder.of(), payload);
          out.get(ARCHIVED).output(KV.of(r.studyUid(), KV.of(run, r)));
        }
      });
      batches.flushAll();
      if (end == IndexJournal.End.CORRUPT) {
        LOG.warn("Index journal {} is corrupt after some records: the rest is not used (its files are read and "
            + "its studies written again)", file.getFileName());
      }
    }
  }

  /** Per-bucket batches of instance records, handed on when full and at the journal's end. */
  private static final class Batches {
    private final int buckets;
    private final DoFn.OutputReceiver<KV<Integer, List<RecordedInstance>>> out;
    private final Map<Integer, List<RecordedInstance>> pending = new HashMap<>();
    private long bytes;

    Batches(int buckets, DoFn.OutputReceiver<KV<Integer, List<RecordedInstance>>> out) {
      this.buckets = buckets;
      this.out = out;
    }

    void add(RecordedInstance r) {
      int bucket = ReuseUnchangedFiles.bucket(r.path(), buckets);
      List<RecordedInstance> batch = pending.computeIfAbsent(bucket, b -> new ArrayList<>());
      batch.add(r);
      bytes += r.payload().length;
      if (batch.size() >= BATCH_RECORDS) {
        pending.remove(bucket);
        out.output(KV.of(bucket, batch));
        bytes -= batch.stream().mapToLong(p -> p.payload().length).sum();
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
