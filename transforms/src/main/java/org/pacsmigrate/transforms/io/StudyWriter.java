package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.transforms.MigrationMetrics;
import org.pacsmigrate.transforms.WriteStudyArchives;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.model.StudyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one reconciled study's archive and accounts for its files ({@link WriteStudyArchives} says how); or,
 * in a delta run, accounts for a study whose archive an earlier run wrote from exactly the same input.
 */
public final class StudyWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(WriteStudyArchives.class);

  private final ArchiveStore store;
  private final int maxInflationRatio;
  private final Counter studiesWritten = MigrationMetrics.counter(MigrationMetrics.STUDIES_WRITTEN);
  private final Counter studiesFailed = MigrationMetrics.counter(MigrationMetrics.STUDIES_FAILED);
  private final Counter studiesUnchanged = MigrationMetrics.counter(MigrationMetrics.STUDIES_UNCHANGED);
  private final Counter bytesWritten = MigrationMetrics.counter(MigrationMetrics.BYTES_WRITTEN);
  private final Counter filesDone = MigrationMetrics.counter(MigrationMetrics.FILES_DONE);
  private final Counter bytesDone = MigrationMetrics.counter(MigrationMetrics.BYTES_DONE);

  public StudyWriter(ArchiveStore store, int maxInflationRatio) {
    this.store = store;
    this.maxInflationRatio = maxInflationRatio;
  }

  /** Null in a dry run. */
  public ArchiveStore store() {
    return store;
  }

  /** Every file of a study is settled once its result is out: counted for the progress line. */
  private StudyResult settled(StudyResult study) {
    filesDone.inc(study.rows().size());
    bytesDone.inc(study.rows().stream().mapToLong(ManifestRow::size).sum());
    return study;
  }

  /** Whether {@link #write} would write an archive (not held, not a dry run, something kept). */
  public boolean wouldWrite(ReconciledStudy study) {
    return !study.files().kept().isEmpty() && !study.held() && store != null;
  }

  /** The rows of a study whose archive an earlier run wrote and that is left as it is. */
  public StudyResult unchanged(ReconciledStudy study, long zipBytes) {
    List<ManifestRow> rows = new ArrayList<>(study.files().settled());
    for (ParsedInstance p : study.files().kept()) {
      rows.add(new ManifestRow(p.path(), p.size(), Outcome.ARCHIVED, study.studyUid(), ""));
    }
    rows.sort(Comparator.comparing(ManifestRow::path));
    studiesUnchanged.inc();
    return settled(new StudyResult(study.studyUid(), StudyResult.State.UNCHANGED, zipBytes, rows));
  }

  public StudyResult write(ReconciledStudy study) throws IOException {
    String studyUid = study.studyUid();
    List<ParsedInstance> kept = study.files().kept();
    List<ManifestRow> rows = new ArrayList<>(study.files().settled());
    if (!wouldWrite(study)) {
      for (ParsedInstance p : kept) {
        rows.add(study.held()
            ? new ManifestRow(p.path(), p.size(), Outcome.HELD, studyUid, study.heldReason())
            : new ManifestRow(p.path(), p.size(), Outcome.ARCHIVED, studyUid, WriteStudyArchives.DRY_RUN_REASON));
      }
      rows.sort(Comparator.comparing(ManifestRow::path));
      return settled(new StudyResult(studyUid, false, 0, rows));
    }
    try {
      List<ArchiveInstance> instances = new ArrayList<>();
      for (ParsedInstance p : kept) {
        // Only a lean record crossed the shuffle: the header is read again (and must be the one parsed).
        DicomFile header = SourceHeaders.reread(p, maxInflationRatio);
        instances.add(new ArchiveInstance(header, study.metadataOf(p, header.dataSet()),
            SourceChannels.opener(p.path())));
      }
      StudyArchiveWriter.Result written = store.write(studyUid, instances);
      for (ParsedInstance p : kept) {
        rows.add(new ManifestRow(p.path(), p.size(), Outcome.ARCHIVED, studyUid, ""));
      }
      rows.sort(Comparator.comparing(ManifestRow::path));
      studiesWritten.inc();
      bytesWritten.inc(written.bytes());
      return settled(new StudyResult(studyUid, true, written.bytes(), rows));
    } catch (Exception e) {
      if (OutputWriteException.find(e) instanceof OutputWriteException failure) {
        throw failure; // the output's failure fails the run; the sources are not to blame
      }
      // Data, not a bug, in all cases seen: a source gone or truncated since it was listed. The study's files
      // are accounted for as rejected; the log names no UID (the manifest does).
      studiesFailed.inc();
      List<ManifestRow> all = new ArrayList<>(study.files().settled());
      for (ParsedInstance p : kept) {
        all.add(new ManifestRow(p.path(), p.size(), Outcome.REJECTED, studyUid, ""));
      }
      LOG.warn("A study ZIP could not be written ({} files rejected; reason in the manifest): {}", all.size(),
          e.getClass().getSimpleName());
      return settled(new StudyResult(studyUid, false, 0, WriteStudyArchives.rejectAllRows(studyUid, all, e)));
    }
  }
}
