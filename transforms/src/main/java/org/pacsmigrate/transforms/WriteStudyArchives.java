package org.pacsmigrate.transforms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.io.StudyWriter;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.model.StudyResult;

/**
 * Per reconciled study: writes the study ZIP from the source files (frames and bulk data read by offset) with
 * each instance's reconciled metadata, unless the study is held; accounts for every file of the study. When the
 * ZIP cannot be written because of its sources (one became unreadable, say), all the study's files are rejected
 * with the reason and the job goes on. When the output cannot be written (a full disk, a read-only folder, a
 * failed upload: an {@link OutputWriteException}), the job fails: the sources are not to blame.
 *
 * <p>A dry run ({@link #dryRun()}) writes nothing: kept files get the outcome a real run would give them,
 * {@code archived} with the reason {@value #DRY_RUN_REASON}, or {@code held}.
 */
public final class WriteStudyArchives extends PTransform<PCollection<ReconciledStudy>, PCollection<StudyResult>> {
  public static final String DRY_RUN_REASON = "dry run: would be archived";
  private final ArchiveStore store;
  private final int maxInflationRatio;

  private WriteStudyArchives(ArchiveStore store, int maxInflationRatio) {
    this.store = store;
    this.maxInflationRatio = maxInflationRatio;
  }

  public static WriteStudyArchives to(ArchiveStore store) {
    if (store == null) {
      throw new IllegalArgumentException("an archive store is required (or use dryRun())");
    }
    return new WriteStudyArchives(store, org.pacsmigrate.format.p10.P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** Decides the outcomes and writes no ZIP. */
  public static WriteStudyArchives dryRun() {
    return new WriteStudyArchives(null, org.pacsmigrate.format.p10.P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio the limit ParseHeaders applied: headers are read again under the same one */
  public WriteStudyArchives withMaxInflationRatio(int maxInflationRatio) {
    return new WriteStudyArchives(store, maxInflationRatio);
  }

  @Override
  public PCollection<StudyResult> expand(PCollection<ReconciledStudy> studies) {
    return studies.apply("WriteStudyZip", ParDo.of(new WriteFn(store, maxInflationRatio))).setCoder(StudyResult.Coder.of());
  }

  /** Every file of a study rejected because its ZIP could not be written; the reason names the exception. */
  static List<ManifestRow> rejectAll(String studyUid, List<ParsedInstance> files, Exception e) {
    List<ManifestRow> rows = new ArrayList<>();
    for (ParsedInstance f : files) {
      rows.add(new ManifestRow(f.path(), f.size(), Outcome.REJECTED, studyUid, ""));
    }
    return rejectAllRows(studyUid, rows, e);
  }

  public static List<ManifestRow> rejectAllRows(String studyUid, Iterable<ManifestRow> files, Exception e) {
    String reason = "study ZIP not written: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    List<ManifestRow> rows = new ArrayList<>();
    for (ManifestRow f : files) {
      rows.add(new ManifestRow(f.path(), f.size(), Outcome.REJECTED, studyUid, reason));
    }
    rows.sort(Comparator.comparing(ManifestRow::path));
    return rows;
  }

  /** The per-study work of this transform, for a step that decides first whether a study needs writing. */
  public StudyWriter writer() {
    return new StudyWriter(store, maxInflationRatio);
  }

  static final class WriteFn extends DoFn<ReconciledStudy, StudyResult> {
    private final StudyWriter writer;

    WriteFn(ArchiveStore store, int maxInflationRatio) {
      this.writer = new StudyWriter(store, maxInflationRatio);
    }

    @ProcessElement
    public void process(@Element ReconciledStudy study, OutputReceiver<StudyResult> out) throws IOException {
      out.output(writer.write(study));
    }
  }
}
