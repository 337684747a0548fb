package org.pacsmigrate.transforms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.p10.DicomFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    return rejectAll(studyUid, rows, e);
  }

  private static List<ManifestRow> rejectAll(String studyUid, Iterable<ManifestRow> files, Exception e) {
    String reason = "study ZIP not written: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    List<ManifestRow> rows = new ArrayList<>();
    for (ManifestRow f : files) {
      rows.add(new ManifestRow(f.path(), f.size(), Outcome.REJECTED, studyUid, reason));
    }
    rows.sort(Comparator.comparing(ManifestRow::path));
    return rows;
  }

  static final class WriteFn extends DoFn<ReconciledStudy, StudyResult> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStudyArchives.class);

    private final ArchiveStore store;
    private final Counter studiesWritten = MigrationMetrics.counter(MigrationMetrics.STUDIES_WRITTEN);
    private final Counter studiesFailed = MigrationMetrics.counter(MigrationMetrics.STUDIES_FAILED);
    private final Counter bytesWritten = MigrationMetrics.counter(MigrationMetrics.BYTES_WRITTEN);
    private final Counter filesDone = MigrationMetrics.counter(MigrationMetrics.FILES_DONE);
    private final Counter bytesDone = MigrationMetrics.counter(MigrationMetrics.BYTES_DONE);

    /** Every file of a study is settled once its result is out: counted for the progress line. */
    private StudyResult settled(StudyResult study) {
      filesDone.inc(study.rows().size());
      bytesDone.inc(study.rows().stream().mapToLong(ManifestRow::size).sum());
      return study;
    }

    private final int maxInflationRatio;

    WriteFn(ArchiveStore store, int maxInflationRatio) {
      this.store = store;
      this.maxInflationRatio = maxInflationRatio;
    }

    @ProcessElement
    public void process(@Element ReconciledStudy study, OutputReceiver<StudyResult> out) throws IOException {
      String studyUid = study.studyUid();
      List<ParsedInstance> kept = study.files().kept();
      List<ManifestRow> rows = new ArrayList<>(study.files().settled());
      if (kept.isEmpty() || study.held() || store == null) {
        for (ParsedInstance p : kept) {
          rows.add(study.held()
              ? new ManifestRow(p.path(), p.size(), Outcome.HELD, studyUid, study.heldReason())
              : new ManifestRow(p.path(), p.size(), Outcome.ARCHIVED, studyUid, DRY_RUN_REASON));
        }
        rows.sort(Comparator.comparing(ManifestRow::path));
        out.output(settled(new StudyResult(studyUid, false, 0, rows)));
        return;
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
        out.output(settled(new StudyResult(studyUid, true, written.bytes(), rows)));
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
        out.output(settled(new StudyResult(studyUid, false, 0, rejectAll(studyUid, all, e))));
      }
    }
  }
}
