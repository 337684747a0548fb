package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.MigrationMetrics;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.StudyResult;

/**
 * A delta run carries over every study that nothing touched, without grouping, reconciling or fingerprinting it
 * again: its manifest rows, findings, patient and review context come from the index, and its archive is left
 * as it is. A study is carried over when the index holds all three of its records from one run (reconciled,
 * archived with every file archived or a duplicate, and its {@link StudyRecord}) and it is not touched:
 * <ul>
 *   <li>no file of it changed or is gone ({@link ReuseUnchangedFiles#TOUCHED_STUDIES}), no file read now belongs
 *       to it, no decision names it (the input of this transform);
 *   <li>every unchanged file of it was recorded by that same run: a run records again each file it lists, so a
 *       file recorded by another run (one that stopped between recording the file and writing its study, or a
 *       file that was away when the study was written) may not be counted in the study's records;
 *   <li>its archive is on disk as it was recorded.
 * </ul>
 * Every other study's unchanged files go on to be grouped with the files read now ({@link #TO_GROUP}), as on a
 * run without this step, and the fingerprint then decides whether its archive is written again.
 *
 * <p>Everything meets in one grouping by the study's bucket: the index's records, the touched studies and the
 * unchanged files' records. A grouping waits for all its input, where a step reading a side input that is not
 * ready yet is tried again and again by the Direct runner (each try costs it a translation of the step).
 *
 * <p>A study the index knows that has no file in the source now (none unchanged, none read now) is missing from the
 * source: while its archive is as recorded, it is kept and reported, never deleted; this run's index records it as
 * missing, so the next run reports it again. Its archive gone too, it is dropped from the index.
 *
 * <p>Outputs {@link #TO_GROUP}, {@link #RESULTS} (the carried studies' manifest rows, as
 * {@link StudyResult.State#UNCHANGED}, and the studies missing from the source, as
 * {@link StudyResult.State#MISSING_FROM_SOURCE}) and {@link #RECONCILIATIONS}. A carried study's records are
 * recorded again in this run's index.
 */
public final class CarriedStudies extends PTransform<PCollection<String>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedInstance>> TO_GROUP = new TupleTag<>() {};
  public static final TupleTag<StudyResult> RESULTS = new TupleTag<>() {};
  public static final TupleTag<CarriedReconciliation> RECONCILIATIONS = new TupleTag<>() {};

  /** What a record of a study is, for {@link #recordedRun}. */
  static final int WRITTEN = 2;
  static final int MISSING = -2;
  static final int RECONCILED = 3;
  static final int ARCHIVED = 4;

  private static final TupleTag<List<RecordedStudy>> RECORDS_TAG = new TupleTag<>() {};
  private static final TupleTag<String> TOUCHED_TAG = new TupleTag<>() {};
  private static final TupleTag<List<RecordedInstance>> FILES_TAG = new TupleTag<>() {};
  private static final TupleTag<String> READ_NOW_TAG = new TupleTag<>() {};

  private final PCollectionTuple prior;
  private final PCollection<KV<Integer, List<RecordedInstance>>> unchanged;
  private final PCollection<String> readNow;
  private final ArchiveStore store;
  private final RunIndex index;
  private final int buckets;

  private CarriedStudies(PCollectionTuple prior, PCollection<KV<Integer, List<RecordedInstance>>> unchanged,
      PCollection<String> readNow, ArchiveStore store, RunIndex index, int buckets) {
    this.prior = prior;
    this.unchanged = unchanged;
    this.readNow = readNow;
    this.store = store;
    this.index = index;
    this.buckets = buckets;
  }

  /**
   * How many buckets the study records meet in for an index of about {@code expectedFiles} records: some
   * hundred studies each (a bucket's unchanged files' records are held in memory while it is decided).
   */
  public static int bucketsFor(long expectedFiles) {
    return (int) Math.max(1, Math.min(1 << 20, expectedFiles / 10_000));
  }

  /** A study's bucket: the same function wherever a study's records are keyed for this transform. */
  public static int bucket(String studyUid, int buckets) {
    return Math.floorMod(studyUid.hashCode(), buckets);
  }

  /**
   * @param prior {@link ReadPriorRun}'s output
   * @param unchanged {@link ReuseUnchangedFiles#UNCHANGED}, keyed by {@link #bucket} of their study
   * @param readNow the studies of the files read now (each study once or more): touched, and in the source
   * @param buckets {@link #bucketsFor} the index's size, as {@code unchanged} was keyed
   */
  public static CarriedStudies from(PCollectionTuple prior, PCollection<KV<Integer, List<RecordedInstance>>> unchanged,
      PCollection<String> readNow, ArchiveStore store, RunIndex index, int buckets) {
    return new CarriedStudies(prior, unchanged, readNow, store, index, buckets);
  }

  /**
   * The run whose records of a study can be carried over, or -1: the latest record of each kind (reconciled,
   * archived, written) must come from one run, and the study must not be missing from the source then.
   */
  public static long recordedRun(Iterable<KV<Long, Integer>> records) {
    if (records == null) {
      return -1;
    }
    long written = -1;
    long reconciled = -1;
    long archived = -1;
    boolean missing = false;
    for (KV<Long, Integer> r : records) {
      long run = r.getKey();
      switch (r.getValue()) {
        case WRITTEN, MISSING -> {
          if (run > written || (run == written && r.getValue() == MISSING)) {
            missing = r.getValue() == MISSING;
            written = run;
          }
        }
        case RECONCILED -> reconciled = Math.max(reconciled, run);
        case ARCHIVED -> archived = Math.max(archived, run);
        default -> {
          return -1;
        }
      }
    }
    return !missing && written >= 0 && written == reconciled && written == archived ? written : -1;
  }

  static byte[] encode(StudyResult result) {
    try {
      return CoderUtils.encodeToByteArray(StudyResult.Coder.of(), result);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: in memory", e);
    }
  }

  @Override
  public PCollectionTuple expand(PCollection<String> touched) {
    PCollectionTuple out = KeyedPCollectionTuple
        .of(RECORDS_TAG, prior.get(ReadPriorRun.STUDY_RECORDS))
        .and(TOUCHED_TAG, byBucket(touched, "TouchedByBucket"))
        .and(FILES_TAG, unchanged)
        .and(READ_NOW_TAG, byBucket(readNow, "ReadNowByBucket"))
        .apply("JoinRecords", CoGroupByKey.create())
        .apply("CarryOver", ParDo.of(new CarryFn(index, store))
            .withOutputTags(TO_GROUP, TupleTagList.of(RESULTS).and(RECONCILIATIONS)));
    out.get(TO_GROUP).setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
    out.get(RESULTS).setCoder(StudyResult.Coder.of());
    out.get(RECONCILIATIONS).setCoder(CarriedReconciliation.Coder.of());
    return out;
  }

  private PCollection<KV<Integer, String>> byBucket(PCollection<String> studyUids, String name) {
    int n = buckets;
    return studyUids
        .apply(name, MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
            .via((String uid) -> KV.of(bucket(uid, n), uid)))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()));
  }

  /** One bucket's studies: each carried over, or its unchanged files handed on to be grouped. */
  static final class CarryFn extends JournalingDoFn<KV<Integer, CoGbkResult>, KV<String, ParsedInstance>> {
    private final ArchiveStore store;
    private final Counter studiesUnchanged = MigrationMetrics.counter(MigrationMetrics.STUDIES_UNCHANGED);
    private final Counter filesDone = MigrationMetrics.counter(MigrationMetrics.FILES_DONE);
    private final Counter bytesDone = MigrationMetrics.counter(MigrationMetrics.BYTES_DONE);

    CarryFn(RunIndex index, ArchiveStore store) {
      super(index, "carried", 1 << 16);
      this.store = store;
    }

    /** What the index holds of one study: each kind's records by run, as they are, and its unchanged files. */
    private static final class Known {
      final List<KV<Long, Integer>> kinds = new ArrayList<>();
      final Map<Long, RecordedStudy> archived = new HashMap<>();
      final Map<Long, RecordedStudy> reconciled = new HashMap<>();
      final Map<Long, RecordedStudy> written = new HashMap<>();
      /** The latest run's study record, written or missing from the source (at one run, missing). */
      RecordedStudy latest;
      final List<RecordedInstance> files = new ArrayList<>();

      void study(RecordedStudy r) {
        if (latest == null || r.run() > latest.run() || (r.run() == latest.run() && r.kind() == MISSING)) {
          latest = r;
        }
      }
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, MultiOutputReceiver out) throws OutputWriteException {
      // Sorted: what this bucket records and hands on does not depend on the order the records came in.
      Map<String, Known> studies = new java.util.TreeMap<>();
      for (List<RecordedStudy> batch : e.getValue().getAll(RECORDS_TAG)) {
        for (RecordedStudy r : batch) {
          Known k = studies.computeIfAbsent(r.studyUid(), uid -> new Known());
          k.kinds.add(KV.of(r.run(), r.kind()));
          switch (r.kind()) {
            case ARCHIVED -> k.archived.put(r.run(), r);
            case RECONCILED -> k.reconciled.put(r.run(), r);
            case WRITTEN -> {
              k.written.put(r.run(), r);
              k.study(r);
            }
            case MISSING -> k.study(r);
            default -> { }
          }
        }
      }
      for (List<RecordedInstance> batch : e.getValue().getAll(FILES_TAG)) {
        for (RecordedInstance r : batch) {
          studies.computeIfAbsent(r.studyUid(), uid -> new Known()).files.add(r);
        }
      }
      Set<String> readNow = new HashSet<>();
      e.getValue().getAll(READ_NOW_TAG).forEach(readNow::add);
      Set<String> touched = new HashSet<>(readNow);
      e.getValue().getAll(TOUCHED_TAG).forEach(touched::add);

      for (Map.Entry<String, Known> s : studies.entrySet()) {
        String uid = s.getKey();
        Known k = s.getValue();
        long run = carriedRun(uid, k, touched);
        if (run >= 0) {
          StudyResult a = k.archived.get(run).archived();
          StudyResult result = new StudyResult(uid, StudyResult.State.UNCHANGED, a.zipBytes(), a.rows());
          // Recorded again by this run, whose index replaces the earlier ones when it ends.
          record(RunIndex.RECONCILED, k.reconciled.get(run).payload(), false);
          record(RunIndex.ARCHIVED, encode(result), false);
          record(RunIndex.STUDY, k.written.get(run).payload(), false);
          studiesUnchanged.inc();
          filesDone.inc(result.rows().size());
          bytesDone.inc(result.rows().stream().mapToLong(ManifestRow::size).sum());
          out.get(RESULTS).output(result);
          out.get(RECONCILIATIONS).output(k.reconciled.get(run).reconciliation());
        } else if (k.files.isEmpty() && !readNow.contains(uid)) {
          missingFromSource(uid, k, out);
        } else {
          for (RecordedInstance r : k.files) {
            out.get(TO_GROUP).output(KV.of(uid, r.decode()));
          }
        }
      }
    }

    /** A study no file of which is in the source now: reported while its archive is as recorded. */
    private void missingFromSource(String uid, Known k, MultiOutputReceiver out) throws OutputWriteException {
      if (k.latest == null) {
        return; // files recorded by a run that stopped before writing their study: nothing was archived
      }
      StudyRecord known = k.latest.study();
      if (known.stamp().equals(ArchiveStamp.of(store, uid))) {
        record(RunIndex.STUDY, known.asMissingFromSource().encode(), true);
        out.get(RESULTS).output(new StudyResult(uid, StudyResult.State.MISSING_FROM_SOURCE, known.zipBytes(),
            List.of()));
      }
    }

    /** The run whose records carry the study over, or -1 when it is done again. */
    private long carriedRun(String uid, Known k, Set<String> touched) throws OutputWriteException {
      long run = recordedRun(k.kinds);
      if (run < 0 || touched.contains(uid) || !k.archived.containsKey(run) || !k.reconciled.containsKey(run)
          || !k.written.containsKey(run)) {
        return -1;
      }
      for (RecordedInstance f : k.files) {
        if (f.run() != run) {
          return -1;
        }
      }
      // An archive changed or gone since it was recorded is written again.
      return k.written.get(run).study().stamp().equals(ArchiveStamp.of(store, uid)) ? run : -1;
    }
  }
}
