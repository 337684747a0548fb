package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
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
 *   <li>no file of it changed or is gone, and none was recorded by a later run than the study
 *       ({@link ReuseUnchangedFiles#TOUCHED_STUDIES});
 *   <li>no file read now belongs to it (the input of this transform: the studies of what was parsed);
 *   <li>no decision names it (also the input);
 *   <li>its archive is on disk as it was recorded.
 * </ul>
 * Every other study's unchanged files go on to be grouped with the files read now ({@link #TO_GROUP}), as on a
 * run without this step, and the fingerprint then decides whether its archive is written again.
 *
 * <p>Outputs {@link #TO_GROUP}, {@link #RESULTS} (the carried studies' manifest rows, as
 * {@link StudyResult.State#UNCHANGED}), {@link #RECONCILIATIONS} and {@link #UIDS}. A carried study's records are
 * recorded again in this run's index.
 */
public final class CarriedStudies extends PTransform<PCollection<String>, PCollectionTuple> {
  public static final TupleTag<KV<String, ParsedInstance>> TO_GROUP = new TupleTag<>() {};
  public static final TupleTag<StudyResult> RESULTS = new TupleTag<>() {};
  public static final TupleTag<CarriedReconciliation> RECONCILIATIONS = new TupleTag<>() {};
  public static final TupleTag<String> UIDS = new TupleTag<>() {};

  /** What a record of a study is, in {@link ReadPriorRun#STUDY_RECORDS}. */
  static final int WRITTEN = 2;
  static final int MISSING = -2;
  static final int RECONCILED = 3;
  static final int ARCHIVED = 4;

  private static final TupleTag<KV<Long, StudyResult>> ARCHIVED_TAG = new TupleTag<>() {};
  private static final TupleTag<KV<Long, CarriedReconciliation>> RECONCILED_TAG = new TupleTag<>() {};
  private static final TupleTag<KV<Long, StudyRecord>> STUDY_TAG = new TupleTag<>() {};

  private final PCollectionTuple prior;
  private final PCollection<KV<String, ParsedInstance>> unchanged;
  private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;
  private final ArchiveStore store;
  private final RunIndex index;
  private final int buckets;

  private CarriedStudies(PCollectionTuple prior, PCollection<KV<String, ParsedInstance>> unchanged,
      PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded, ArchiveStore store, RunIndex index,
      int buckets) {
    this.prior = prior;
    this.unchanged = unchanged;
    this.recorded = recorded;
    this.store = store;
    this.index = index;
    this.buckets = buckets;
  }

  /**
   * @param prior {@link ReadPriorRun}'s output
   * @param unchanged {@link ReuseUnchangedFiles#UNCHANGED}
   * @param recorded {@link #recordedView} of {@code prior}
   * @param expectedFiles about how many files the index knows: the records meet in buckets of some hundred
   *     studies (the records come from a few journals, so large buckets cost the Direct runner few copies)
   */
  public static CarriedStudies from(PCollectionTuple prior, PCollection<KV<String, ParsedInstance>> unchanged,
      PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded, ArchiveStore store, RunIndex index,
      long expectedFiles) {
    return new CarriedStudies(prior, unchanged, recorded, store, index,
        (int) Math.max(1, Math.min(1 << 20, expectedFiles / 10_000)));
  }

  /** Which run recorded what of each study: small, so every worker can look a study up. */
  public static PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recordedView(PCollectionTuple prior) {
    return prior.get(ReadPriorRun.STUDY_RECORDS).apply("RecordedStudies", View.asMultimap());
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
  public PCollectionTuple expand(PCollection<String> touchedNow) {
    // An archive changed or gone since it was recorded touches its study too: it is written again.
    PCollection<String> tampered = prior.get(ReadPriorRun.STUDIES)
        .apply("ArchivesAsRecorded", ParDo.of(new StampFn(store, recorded)).withSideInputs(recorded))
        .setCoder(StringUtf8Coder.of());
    PCollectionView<Map<String, Iterable<Boolean>>> touched = PCollectionList.of(touchedNow).and(tampered)
        .apply("AllTouched", org.apache.beam.sdk.transforms.Flatten.pCollections())
        .apply("AsKeys", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.booleans()))
            .via((String uid) -> KV.of(uid, true)))
        .apply("TouchedStudies", View.asMultimap());

    PCollection<KV<String, ParsedInstance>> toGroup = unchanged
        .apply("NotCarried", ParDo.of(new NotCarriedFn(recorded, touched)).withSideInputs(recorded, touched))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));

    int n = buckets;
    PCollectionTuple carried = KeyedPCollectionTuple
        .of(ARCHIVED_TAG, byBucket(prior.get(ReadPriorRun.ARCHIVED), "Archived", StudyResult.Coder.of(), n))
        .and(RECONCILED_TAG, byBucket(prior.get(ReadPriorRun.RECONCILED), "Reconciled",
            CarriedReconciliation.Coder.of(), n))
        .and(STUDY_TAG, byBucket(prior.get(ReadPriorRun.STUDIES), "Written", StudyRecord.Coder.of(), n))
        .apply("JoinRecords", CoGroupByKey.create())
        .apply("CarryOver", ParDo.of(new CarryFn(index, recorded, touched)).withSideInputs(recorded, touched)
            .withOutputTags(RESULTS, TupleTagList.of(RECONCILIATIONS).and(UIDS)));
    carried.get(RESULTS).setCoder(StudyResult.Coder.of());
    carried.get(RECONCILIATIONS).setCoder(CarriedReconciliation.Coder.of());
    carried.get(UIDS).setCoder(StringUtf8Coder.of());
    return PCollectionTuple.of(TO_GROUP, toGroup).and(RESULTS, carried.get(RESULTS))
        .and(RECONCILIATIONS, carried.get(RECONCILIATIONS)).and(UIDS, carried.get(UIDS));
  }

  private static <T> PCollection<KV<Integer, KV<Long, T>>> byBucket(PCollection<KV<String, KV<Long, T>>> records,
      String name, org.apache.beam.sdk.coders.Coder<T> coder, int buckets) {
    return records
        .apply(name + "ByBucket", MapElements.into(new TypeDescriptor<KV<Integer, KV<Long, T>>>() {})
            .via((KV<String, KV<Long, T>> e) -> KV.of(WriteChangedStudies.bucket(e.getKey(), buckets), e.getValue())))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), coder)));
  }

  static boolean carried(String studyUid, Map<String, Iterable<KV<Long, Integer>>> recorded,
      Map<String, Iterable<Boolean>> touched) {
    return !touched.containsKey(studyUid) && recordedRun(recorded.get(studyUid)) >= 0;
  }

  static final class StampFn extends DoFn<KV<String, KV<Long, StudyRecord>>, String> {
    private final ArchiveStore store;
    private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;

    StampFn(ArchiveStore store, PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded) {
      this.store = store;
      this.recorded = recorded;
    }

    @ProcessElement
    public void process(@Element KV<String, KV<Long, StudyRecord>> e, OutputReceiver<String> out, ProcessContext c)
        throws OutputWriteException {
      long run = recordedRun(c.sideInput(recorded).get(e.getKey()));
      StudyRecord r = e.getValue().getValue();
      if (run >= 0 && run == e.getValue().getKey()
          && !r.stamp().equals(WriteChangedStudies.stampOf(store, r.studyUid()))) {
        out.output(r.studyUid());
      }
    }
  }

  static final class NotCarriedFn extends DoFn<KV<String, ParsedInstance>, KV<String, ParsedInstance>> {
    private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;
    private final PCollectionView<Map<String, Iterable<Boolean>>> touched;

    NotCarriedFn(PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded,
        PCollectionView<Map<String, Iterable<Boolean>>> touched) {
      this.recorded = recorded;
      this.touched = touched;
    }

    // A bundle's elements are all in the global window: the views are looked up once per bundle, not per file
    // (each lookup costs the Direct runner a pass over the view's contents).
    private transient Map<String, Iterable<KV<Long, Integer>>> runs;
    private transient Map<String, Iterable<Boolean>> touchedStudies;
    private transient Map<String, Boolean> decided;

    @StartBundle
    public void startBundle() {
      runs = null;
      touchedStudies = null;
      decided = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, ParsedInstance> e, OutputReceiver<KV<String, ParsedInstance>> out,
        ProcessContext c) {
      if (runs == null) {
        runs = c.sideInput(recorded);
        touchedStudies = c.sideInput(touched);
      }
      if (!decided.computeIfAbsent(e.getKey(), uid -> carried(uid, runs, touchedStudies))) {
        out.output(e);
      }
    }
  }

  static final class CarryFn extends JournalingDoFn<KV<Integer, CoGbkResult>, StudyResult> {
    private final PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded;
    private final PCollectionView<Map<String, Iterable<Boolean>>> touched;
    private final Counter studiesUnchanged = MigrationMetrics.counter(MigrationMetrics.STUDIES_UNCHANGED);
    private final Counter filesDone = MigrationMetrics.counter(MigrationMetrics.FILES_DONE);
    private final Counter bytesDone = MigrationMetrics.counter(MigrationMetrics.BYTES_DONE);

    CarryFn(RunIndex index, PCollectionView<Map<String, Iterable<KV<Long, Integer>>>> recorded,
        PCollectionView<Map<String, Iterable<Boolean>>> touched) {
      super(index, "carried", 1 << 16);
      this.recorded = recorded;
      this.touched = touched;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, MultiOutputReceiver out, ProcessContext c)
        throws OutputWriteException {
      Map<String, Iterable<KV<Long, Integer>>> runs = c.sideInput(recorded);
      Map<String, Iterable<Boolean>> touchedStudies = c.sideInput(touched);
      // Sorted, and each study once: a journal may hold a record twice (a runner that retried a bundle).
      Map<String, StudyResult> archived = new TreeMap<>();
      for (KV<Long, StudyResult> r : e.getValue().getAll(ARCHIVED_TAG)) {
        String uid = r.getValue().studyUid();
        if (carried(uid, runs, touchedStudies) && r.getKey() == recordedRun(runs.get(uid))) {
          archived.put(uid, r.getValue());
        }
      }
      if (archived.isEmpty()) {
        return;
      }
      Map<String, CarriedReconciliation> reconciled = new HashMap<>();
      for (KV<Long, CarriedReconciliation> r : e.getValue().getAll(RECONCILED_TAG)) {
        String uid = r.getValue().studyUid();
        if (archived.containsKey(uid) && r.getKey() == recordedRun(runs.get(uid))) {
          reconciled.put(uid, r.getValue());
        }
      }
      Map<String, StudyRecord> written = new HashMap<>();
      for (KV<Long, StudyRecord> r : e.getValue().getAll(STUDY_TAG)) {
        String uid = r.getValue().studyUid();
        if (archived.containsKey(uid) && r.getKey() == recordedRun(runs.get(uid))) {
          written.put(uid, r.getValue());
        }
      }
      for (StudyResult a : archived.values()) {
        CarriedReconciliation rec = reconciled.get(a.studyUid());
        StudyRecord study = written.get(a.studyUid());
        if (rec == null || study == null) {
          // The run said it recorded them (recordedRun) but they are not in this bucket: cannot happen with
          // one bucket function; a study not carried would be lost, so fail loudly.
          throw new IllegalStateException("the index's records of a study do not agree (bucket " + e.getKey()
              + "); rerun with --full");
        }
        StudyResult result = new StudyResult(a.studyUid(), StudyResult.State.UNCHANGED, a.zipBytes(), a.rows());
        // Recorded again by this run, whose index replaces the earlier ones when it ends.
        record(RunIndex.RECONCILED, rec.encode(), false);
        record(RunIndex.ARCHIVED, encode(result), false);
        record(RunIndex.STUDY, study.encode(), false);
        studiesUnchanged.inc();
        filesDone.inc(result.rows().size());
        bytesDone.inc(result.rows().stream().mapToLong(ManifestRow::size).sum());
        out.get(RESULTS).output(result);
        out.get(RECONCILIATIONS).output(rec);
        out.get(UIDS).output(a.studyUid());
      }
    }

  }
}
