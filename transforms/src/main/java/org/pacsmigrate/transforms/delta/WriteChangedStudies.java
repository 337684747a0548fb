package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
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
 * after, so a run killed later does not write it again. (A study the index knows whose files are all gone from the
 * source never comes here: {@link CarriedStudies} reports it.)
 */
public final class WriteChangedStudies extends PTransform<PCollection<ReconciledStudy>, PCollection<StudyResult>> {
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
    // (every instance record) are not shuffled once more to meet them. Each study picks the latest run's record
    // itself: a step that did that per study would cost the Direct runner an evaluator per study.
    PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known = prior.apply("Known", View.asMultimap());
    return studies
        .apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, known)).withSideInputs(known))
        .setCoder(StudyResult.Coder.of());
  }

  /** Writes each study that changed, and records it in this run's study journal (one per worker thread). */
  static final class WriteFn extends JournalingDoFn<ReconciledStudy, StudyResult> {
    private final StudyWriter writer;
    private final String layout;
    private final PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known;

    WriteFn(StudyWriter writer, String layout, RunIndex index,
        PCollectionView<Map<String, Iterable<KV<Long, StudyRecord>>>> known) {
      super(index, "studies", 1 << 16);
      this.writer = writer;
      this.layout = layout;
      this.known = known;
    }

    private void record(StudyRecord r, boolean now) throws OutputWriteException {
      record(RunIndex.STUDY, r.encode(), now);
    }

    /**
     * The study's manifest rows, for a later run to carry it over ({@link CarriedStudies}); only when every file
     * is archived or a duplicate (a study with a file rejected at writing is done again). Before its
     * {@link StudyRecord}, which flushes both.
     */
    private void recordArchived(StudyResult result) throws OutputWriteException {
      for (ManifestRow row : result.rows()) {
        if (row.outcome() != Outcome.ARCHIVED && row.outcome() != Outcome.DUPLICATE) {
          return;
        }
      }
      record(RunIndex.ARCHIVED, CarriedStudies.encode(result), false);
    }

    private ArchiveStamp stamp(String studyUid) throws OutputWriteException {
      return ArchiveStamp.of(writer.store(), studyUid);
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
