package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.io.StudyWriter;

/**
 * The write step of a run that keeps an index: each study whose fingerprint ({@link StudyFingerprint}) and
 * archive ({@link ArchiveStamp}) are as the index recorded is left as it is ({@link StudyResult.State#UNCHANGED});
 * every other study is written ({@link StudyWriter}), and what was written is recorded in this run's index right
 * after, so a run killed later does not write it again. A study the index knows whose files are all gone from
 * the source keeps its archive and is reported ({@link StudyResult.State#MISSING_FROM_SOURCE}), never deleted.
 */
public final class WriteChangedStudies extends PTransform<PCollection<ReconciledStudy>, PCollection<StudyResult>> {
  // Static: an anonymous tag made in expand() would hold this transform, and its PCollection, when serialized.
  private static final TupleTag<String> PRESENT = new TupleTag<>() {};
  private static final TupleTag<KV<Long, StudyRecord>> KNOWN = new TupleTag<>() {};

  private final StudyWriter writer;
  private final String layout;
  private final RunIndex index;
  private final PCollection<KV<String, KV<Long, StudyRecord>>> prior;
  private final int buckets;
  private final PCollection<String> carried;

  private WriteChangedStudies(StudyWriter writer, String layout, RunIndex index,
      PCollection<KV<String, KV<Long, StudyRecord>>> prior, int buckets, PCollection<String> carried) {
    this.writer = writer;
    this.layout = layout;
    this.index = index;
    this.prior = prior;
    this.buckets = buckets;
    this.carried = carried;
  }

  /**
   * @param prior {@link ReadPriorRun#STUDIES}, or null on a full run (every study is written)
   */
  public static WriteChangedStudies with(StudyWriter writer, String layout, RunIndex index,
      PCollection<KV<String, KV<Long, StudyRecord>>> prior) {
    if (writer.store() == null) {
      throw new IllegalArgumentException("a dry run writes no archive and keeps no index");
    }
    return new WriteChangedStudies(writer, layout, index, prior, 1, null);
  }

  /**
   * @param expectedFiles about how many files the index knows ({@link PriorRun#expectedRecords()}): the search
   *     for studies gone from the source works on buckets of some fifty studies each, not one group per study
   *     (each group costs the Direct runner about a millisecond per step)
   */
  public WriteChangedStudies withExpectedFiles(long expectedFiles) {
    return new WriteChangedStudies(writer, layout, index, prior,
        (int) Math.max(1, Math.min(1 << 20, expectedFiles / 5_000)), carried);
  }

  /**
   * @param carried the UIDs of the studies this run carries over from the index ({@link CarriedStudies}): in the
   *     source still, though they do not pass through this step
   */
  public WriteChangedStudies withCarried(PCollection<String> carried) {
    return new WriteChangedStudies(writer, layout, index, prior, buckets, carried);
  }

  static int bucket(String studyUid, int buckets) {
    return Math.floorMod(studyUid.hashCode(), buckets);
  }

  @Override
  public PCollection<StudyResult> expand(PCollection<ReconciledStudy> studies) {
    if (prior == null) {
      return studies.apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, null)))
          .setCoder(StudyResult.Coder.of());
    }
    // The index's study records are few (one per study, ~150 bytes): a side input, so the studies themselves
    // (every instance record) are not shuffled once more to meet them. Each study picks the latest run's record
    // itself: a step that did that per study would cost the Direct runner an evaluator per study.
    PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known = prior.apply("Known", View.asMultimap());
    PCollection<StudyResult> results = studies
        .apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, known)).withSideInputs(known))
        .setCoder(StudyResult.Coder.of());
    // The studies the index knows and the source no longer has: only their UIDs meet the index's records, in
    // buckets of a few studies.
    int n = buckets;
    PCollection<String> presentUids = studies
        .apply("StudyUids", MapElements.into(TypeDescriptors.strings()).via(ReconciledStudy::studyUid))
        .setCoder(StringUtf8Coder.of());
    if (carried != null) {
      presentUids = PCollectionList.of(presentUids).and(carried).apply("AndCarried", Flatten.pCollections());
    }
    PCollection<KV<Integer, String>> present = presentUids
        .apply("Present", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
            .via((String uid) -> KV.of(bucket(uid, n), uid)))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()));
    PCollection<KV<Integer, KV<Long, StudyRecord>>> knownByBucket = prior
        .apply("KnownByBucket", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(),
                TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptor.of(StudyRecord.class))))
            .via((KV<String, KV<Long, StudyRecord>> e) -> KV.of(bucket(e.getKey(), n), e.getValue())))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), StudyRecord.Coder.of())));
    PCollection<StudyResult> missing = KeyedPCollectionTuple.of(PRESENT, present).and(KNOWN, knownByBucket)
        .apply("JoinIndex", CoGroupByKey.create())
        .apply("MissingFromSource", ParDo.of(new MissingFn(writer, index)))
        .setCoder(StudyResult.Coder.of());
    return PCollectionList.of(results).and(missing).apply("AllStudies", Flatten.pCollections());
  }

  /** How a study's archive is found on disk now; {@link ArchiveStamp#NONE} when it is not there. */
  static ArchiveStamp stampOf(org.pacsmigrate.transforms.io.ArchiveStore store, String studyUid)
      throws OutputWriteException {
    Path file = store.stampedFile(studyUid);
    if (file == null) {
      return ArchiveStamp.NONE;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Instant t = a.lastModifiedTime().toInstant();
      return new ArchiveStamp(a.size(), t.getEpochSecond() * 1_000_000_000L + t.getNano());
    } catch (NoSuchFileException e) {
      return ArchiveStamp.NONE;
    } catch (IOException e) {
      throw OutputWriteException.of(file.toString(), e);
    }
  }

  /** Writes to this run's study journal; one per worker thread. */
  abstract static class JournalingFn<I> extends JournalingDoFn<I, StudyResult> {
    final StudyWriter writer;

    JournalingFn(StudyWriter writer, RunIndex index) {
      super(index, "studies", 1 << 16);
      this.writer = writer;
    }

    void record(StudyRecord r, boolean now) throws OutputWriteException {
      record(RunIndex.STUDY, r.encode(), now);
    }

    /**
     * The study's manifest rows, for a later run to carry it over ({@link CarriedStudies}); only when every file
     * is archived or a duplicate (a study with a file rejected at writing is done again). Before its
     * {@link StudyRecord}, which flushes both.
     */
    void recordArchived(StudyResult result) throws OutputWriteException {
      for (ManifestRow row : result.rows()) {
        if (row.outcome() != Outcome.ARCHIVED && row.outcome() != Outcome.DUPLICATE) {
          return;
        }
      }
      record(RunIndex.ARCHIVED, CarriedStudies.encode(result), false);
    }

    ArchiveStamp stamp(String studyUid) throws OutputWriteException {
      return stampOf(writer.store(), studyUid);
    }
  }

  static final class MissingFn extends JournalingFn<KV<Integer, CoGbkResult>> {
    MissingFn(StudyWriter writer, RunIndex index) {
      super(writer, index);
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> e, OutputReceiver<StudyResult> out) throws IOException {
      Set<String> present = new HashSet<>();
      e.getValue().getAll(PRESENT).forEach(present::add);
      Map<String, KV<Long, StudyRecord>> latest = new TreeMap<>();
      for (KV<Long, StudyRecord> r : e.getValue().getAll(KNOWN)) {
        latest.merge(r.getValue().studyUid(), r, (a, b) -> b.getKey() > a.getKey() ? b : a);
      }
      for (KV<Long, StudyRecord> r : latest.values()) {
        StudyRecord known = r.getValue();
        // Known to the index, absent from the source now: kept and reported while its archive is there.
        if (!present.contains(known.studyUid()) && known.stamp().equals(stamp(known.studyUid()))) {
          record(known.asMissingFromSource(), true);
          out.output(new StudyResult(known.studyUid(), StudyResult.State.MISSING_FROM_SOURCE, known.zipBytes(),
              List.of()));
        }
      }
    }
  }

  static final class WriteFn extends JournalingFn<ReconciledStudy> {
    private final String layout;
    private final PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known;

    WriteFn(StudyWriter writer, String layout, RunIndex index,
        PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known) {
      super(writer, index);
      this.layout = layout;
      this.known = known;
    }

    @ProcessElement
    public void process(@Element ReconciledStudy study, OutputReceiver<StudyResult> out, ProcessContext c)
        throws IOException {
      if (!writer.wouldWrite(study)) {
        out.output(writer.write(study)); // held: nothing to write, nothing to record
        return;
      }
      StudyRecord before = null;
      if (known != null) {
        Iterable<KV<Long, StudyRecord>> records = c.sideInput(known).get(study.studyUid());
        before = records == null ? null : ReadPriorRun.latest(records);
      }
      byte[] fingerprint = StudyFingerprint.of(study, layout);
      if (before != null && Arrays.equals(fingerprint, before.fingerprint())
          && before.stamp().equals(stamp(study.studyUid()))) {
        StudyResult result = writer.unchanged(study, before.zipBytes());
        recordArchived(result);
        record(new StudyRecord(study.studyUid(), fingerprint, false, before.instances(), before.zipBytes(),
            before.stamp()), false);
        out.output(result);
        return;
      }
      StudyResult result = writer.write(study);
      if (result.written()) {
        recordArchived(result);
        // Recorded as soon as it is in place: a run killed after this line does not write it again.
        record(new StudyRecord(study.studyUid(), fingerprint, false, study.files().kept().size(),
            result.zipBytes(), stamp(study.studyUid())), true);
      }
      out.output(result);
    }
  }
}
