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
import org.apache.beam.sdk.coders.KvCoder;
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
import org.pacsmigrate.transforms.ReconciledStudy;
import org.pacsmigrate.transforms.StudyResult;
import org.pacsmigrate.transforms.StudyWriter;

/**
 * The write step of a run that keeps an index: each study whose fingerprint ({@link StudyFingerprint}) and
 * archive ({@link ArchiveStamp}) are as the index recorded is left as it is ({@link StudyResult.State#UNCHANGED});
 * every other study is written ({@link StudyWriter}), and what was written is recorded in this run's index right
 * after, so a run killed later does not write it again. A study the index knows whose files are all gone from
 * the source keeps its archive and is reported ({@link StudyResult.State#MISSING_FROM_SOURCE}), never deleted.
 */
public final class WriteChangedStudies extends PTransform<PCollection<ReconciledStudy>, PCollection<StudyResult>> {
  // Static: an anonymous tag made in expand() would hold this transform, and its PCollection, when serialized.
  private static final TupleTag<ReconciledStudy> NOW = new TupleTag<>() {};
  private static final TupleTag<KV<Long, StudyRecord>> BEFORE = new TupleTag<>() {};

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
    PCollection<KV<String, ReconciledStudy>> keyed = studies
        .apply("ByStudy", WithKeys.of(ReconciledStudy::studyUid).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ReconciledStudy.Coder.of()));
    PCollection<KV<String, CoGbkResult>> joined;
    KeyedPCollectionTuple<String> tuple = KeyedPCollectionTuple.of(NOW, keyed);
    if (prior != null) {
      tuple = tuple.and(BEFORE, prior);
    }
    joined = tuple.apply("JoinIndex", CoGroupByKey.create());
    return joined.apply("WriteStudyZip", ParDo.of(new WriteFn(writer, layout, index, NOW, prior == null ? null
        : BEFORE))).setCoder(StudyResult.Coder.of());
  }

  static final class WriteFn extends DoFn<KV<String, CoGbkResult>, StudyResult> {
    private static final int FLUSH_AT = 1 << 16;
    private final StudyWriter writer;
    private final String layout;
    private final RunIndex index;
    private final TupleTag<ReconciledStudy> now;
    private final TupleTag<KV<Long, StudyRecord>> before;
    private transient IndexJournal.Writer journal;

    WriteFn(StudyWriter writer, String layout, RunIndex index, TupleTag<ReconciledStudy> now,
        TupleTag<KV<Long, StudyRecord>> before) {
      this.writer = writer;
      this.layout = layout;
      this.index = index;
      this.now = now;
      this.before = before;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> e, OutputReceiver<StudyResult> out) throws IOException {
      StudyRecord known = before == null ? null : ReadPriorRun.latest(e.getValue().getAll(before));
      Iterator<ReconciledStudy> current = e.getValue().getAll(now).iterator();
      if (!current.hasNext()) {
        // Known to the index, absent from the source now: kept and reported while its archive is there.
        if (known != null && known.stamp().equals(stamp(known.studyUid()))) {
          record(known.asMissingFromSource(), true);
          out.output(new StudyResult(known.studyUid(), StudyResult.State.MISSING_FROM_SOURCE, known.zipBytes(),
              List.of()));
        }
        return;
      }
      ReconciledStudy study = current.next();
      if (!writer.wouldWrite(study)) {
        out.output(writer.write(study)); // held: nothing to write, nothing to record
        return;
      }
      byte[] fingerprint = StudyFingerprint.of(study, layout);
      if (known != null && Arrays.equals(fingerprint, known.fingerprint())
          && known.stamp().equals(stamp(study.studyUid()))) {
        record(new StudyRecord(study.studyUid(), fingerprint, false, known.instances(), known.zipBytes(),
            known.stamp()), false);
        out.output(writer.unchanged(study, known.zipBytes()));
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

    private void record(StudyRecord r, boolean now) throws OutputWriteException {
      if (journal == null) {
        journal = index.openJournal("studies");
      }
      journal.append(RunIndex.STUDY, r.encode());
      if (now || journal.pendingBytes() > FLUSH_AT) {
        journal.flush();
      }
    }

    private ArchiveStamp stamp(String studyUid) throws OutputWriteException {
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
      if (journal != null) {
        journal.flush();
      }
    }

    @Teardown
    public void teardown() {
      RunIndex.closeQuietly(journal);
      journal = null;
    }
  }
}
