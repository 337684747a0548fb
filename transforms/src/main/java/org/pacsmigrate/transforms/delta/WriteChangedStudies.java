package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
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
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.format.io.OutputWriteException;
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
  private static final TupleTag<Boolean> PRESENT = new TupleTag<>() {};
  private static final TupleTag<StudyRecord> KNOWN = new TupleTag<>() {};

  private final StudyWriter writer;
  private final String layout;
  private final RunIndex index;
  private final PCollection<KV<String, KV<Long, StudyRecord>>> prior;

  private WriteChangedStudies(StudyWriter writer, String layout, RunIndex index,
      PCollection<KV<String, KV<Long, StudyRecord>>> prior) {
    this.writer = writer;
    this.layout = layout;
    this.index = index;
    this.prior = prior;
  }

  /**
   * @param prior {@link ReadPriorRun#STUDIES}, or null on a full run (every study is written)
   */
  public static WriteChangedStudies with(StudyWriter writer, String layout, RunIndex index,
      PCollection<KV<String, KV<Long, StudyRecord>>> prior) {
    if (writer.store() == null) {
      throw new IllegalArgumentException("a dry run writes no archive and keeps no index");
    }
    return new WriteChangedStudies(writer, layout, index, prior);
  }

  @Override
  public PCollection<StudyResult> expand(PCollection<ReconciledStudy> studies) {
    if (prior == null) {
      return studies.apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, null)))
          .setCoder(StudyResult.Coder.of());
    }
    // The index's study records are few (one per study, ~150 bytes): a side input, so the studies themselves
    // (every instance record) are not shuffled once more to meet them.
    PCollection<KV<String, StudyRecord>> latest = prior
        .apply("LatestRecord", Combine.perKey(new Latest()))
        .apply("Record", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(),
                TypeDescriptor.of(StudyRecord.class)))
            .via((KV<String, KV<Long, StudyRecord>> e) -> KV.of(e.getKey(), e.getValue().getValue())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StudyRecord.Coder.of()));
    PCollectionView<Map<String, StudyRecord>> known = latest.apply("Known", View.asMap());
    PCollection<StudyResult> results = studies
        .apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, known)).withSideInputs(known))
        .setCoder(StudyResult.Coder.of());
    // The studies the index knows and the source no longer has: only their UIDs meet the index's records.
    PCollection<KV<String, Boolean>> present = studies
        .apply("Present", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.booleans()))
            .via((ReconciledStudy st) -> KV.of(st.studyUid(), true)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of()));
    PCollection<StudyResult> missing = KeyedPCollectionTuple.of(PRESENT, present).and(KNOWN, latest)
        .apply("JoinIndex", CoGroupByKey.create())
        .apply("MissingFromSource", ParDo.of(new MissingFn(writer, index)))
        .setCoder(StudyResult.Coder.of());
    return PCollectionList.of(results).and(missing).apply("AllStudies", Flatten.pCollections());
  }

  /** The later run's record of a study. */
  static final class Latest extends Combine.BinaryCombineFn<KV<Long, StudyRecord>> {
    @Override
    public KV<Long, StudyRecord> apply(KV<Long, StudyRecord> a, KV<Long, StudyRecord> b) {
      return b.getKey() > a.getKey() ? b : a;
    }
  }

  /** Writes to this run's study journal; one per worker thread. */
  abstract static class JournalingFn<I> extends DoFn<I, StudyResult> {
    final StudyWriter writer;
    final RunIndex index;
    private transient LazyJournal journal;

    JournalingFn(StudyWriter writer, RunIndex index) {
      this.writer = writer;
      this.index = index;
    }

    @Setup
    public void setup() {
      journal = new LazyJournal(index, "studies", 1 << 16);
    }

    void record(StudyRecord r, boolean now) throws OutputWriteException {
      journal.append(RunIndex.STUDY, r.encode(), now);
    }

    ArchiveStamp stamp(String studyUid) throws OutputWriteException {
      Path file = writer.store().stampedFile(studyUid);
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

    @FinishBundle
    public void finishBundle() throws OutputWriteException {
      journal.flush();
    }

    @Teardown
    public void teardown() {
      journal.close();
    }
  }

  static final class MissingFn extends JournalingFn<KV<String, CoGbkResult>> {
    MissingFn(StudyWriter writer, RunIndex index) {
      super(writer, index);
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<StudyResult> out) throws IOException {
      if (e.getValue().getAll(PRESENT).iterator().hasNext()) {
        return;
      }
      for (StudyRecord known : e.getValue().getAll(KNOWN)) {
        // Known to the index, absent from the source now: kept and reported while its archive is there.
        if (known.stamp().equals(stamp(known.studyUid()))) {
          record(known.asMissingFromSource(), true);
          out.output(new StudyResult(known.studyUid(), StudyResult.State.MISSING_FROM_SOURCE, known.zipBytes(),
              List.of()));
        }
      }
    }
  }

  static final class WriteFn extends JournalingFn<ReconciledStudy> {
    private final String layout;
    private final PCollectionView<Map<String, StudyRecord>> known;

    WriteFn(StudyWriter writer, String layout, RunIndex index, PCollectionView<Map<String, StudyRecord>> known) {
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
      StudyRecord before = known == null ? null : c.sideInput(known).get(study.studyUid());
      byte[] fingerprint = StudyFingerprint.of(study, layout);
      if (before != null && Arrays.equals(fingerprint, before.fingerprint())
          && before.stamp().equals(stamp(study.studyUid()))) {
        record(new StudyRecord(study.studyUid(), fingerprint, false, before.instances(), before.zipBytes(),
            before.stamp()), false);
        out.output(writer.unchanged(study, before.zipBytes()));
        return;
      }
      StudyResult result = writer.write(study);
      if (result.written()) {
        // Recorded as soon as it is in place: a run killed after this line does not write it again.
        record(new StudyRecord(study.studyUid(), fingerprint, false, study.files().kept().size(),
            result.zipBytes(), stamp(study.studyUid())), true);
      }
      out.output(result);
    }
  }
}
