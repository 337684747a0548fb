package org.pacsmigrate.transforms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per study: sets aside duplicate SOP Instances ({@link DuplicateResolver}), then writes the study ZIP from the
 * source files, reading frames and bulk data by offset. The result accounts for every file of the study. When
 * the ZIP cannot be written (a source became unreadable, say), all the study's files are rejected with the
 * reason and the job goes on.
 *
 * <p>Deterministic: instances are sorted before anything is decided, so the runner's grouping order never
 * changes which file is kept or the ZIP's bytes.
 */
public final class WriteStudyArchives
    extends PTransform<PCollection<KV<String, Iterable<ParsedInstance>>>, PCollection<StudyResult>> {
  private final ArchiveStore store;

  private WriteStudyArchives(ArchiveStore store) {
    this.store = store;
  }

  public static WriteStudyArchives to(ArchiveStore store) {
    return new WriteStudyArchives(store);
  }

  @Override
  public PCollection<StudyResult> expand(PCollection<KV<String, Iterable<ParsedInstance>>> studies) {
    return studies.apply("WriteStudyZip", ParDo.of(new WriteFn(store))).setCoder(StudyResult.Coder.of());
  }

  static final class WriteFn extends DoFn<KV<String, Iterable<ParsedInstance>>, StudyResult> {
    private static final Logger LOG = LoggerFactory.getLogger(WriteStudyArchives.class);
    private static final Comparator<ParsedInstance> ARCHIVE_ORDER = Comparator
        .comparing(ParsedInstance::seriesUid).thenComparing(ParsedInstance::sopInstanceUid);

    private final ArchiveStore store;
    private final Counter duplicates = MigrationMetrics.counter(MigrationMetrics.DUPLICATES);
    private final Counter studiesWritten = MigrationMetrics.counter(MigrationMetrics.STUDIES_WRITTEN);
    private final Counter studiesFailed = MigrationMetrics.counter(MigrationMetrics.STUDIES_FAILED);
    private final Counter bytesWritten = MigrationMetrics.counter(MigrationMetrics.BYTES_WRITTEN);

    WriteFn(ArchiveStore store) {
      this.store = store;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ParsedInstance>> study, OutputReceiver<StudyResult> out) {
      String studyUid = study.getKey();
      List<ParsedInstance> files = new ArrayList<>();
      study.getValue().forEach(files::add);
      files.sort(Comparator.comparing(ParsedInstance::path));
      try {
        out.output(archive(studyUid, files));
      } catch (Exception e) {
        // Data, not a bug, in all cases seen: a source gone or truncated since it was listed. The study's files
        // are accounted for as rejected; the log names no UID (the manifest does).
        studiesFailed.inc();
        LOG.warn("A study ZIP could not be written ({} files rejected; reason in the manifest): {}",
            files.size(), e.getClass().getSimpleName());
        String reason = "study ZIP not written: " + e.getClass().getSimpleName() + ": " + e.getMessage();
        List<ManifestRow> rows = new ArrayList<>();
        for (ParsedInstance f : files) {
          rows.add(new ManifestRow(f.path(), f.size(), Outcome.REJECTED, studyUid, reason));
        }
        out.output(new StudyResult(studyUid, false, 0, rows));
      }
    }

    private StudyResult archive(String studyUid, List<ParsedInstance> files) throws Exception {
      Map<String, List<ParsedInstance>> bySop = new TreeMap<>();
      for (ParsedInstance f : files) {
        bySop.computeIfAbsent(f.sopInstanceUid(), k -> new ArrayList<>()).add(f);
      }
      DuplicateResolver resolver = new DuplicateResolver(SourceChannels::open);
      List<ParsedInstance> kept = new ArrayList<>();
      List<ManifestRow> rows = new ArrayList<>();
      for (List<ParsedInstance> sameSop : bySop.values()) {
        if (sameSop.size() == 1) {
          kept.add(sameSop.get(0));
          continue;
        }
        DuplicateResolver.Resolution resolution = resolver.resolve(sameSop);
        kept.add(resolution.kept());
        for (DuplicateResolver.Duplicate d : resolution.duplicates()) {
          rows.add(new ManifestRow(d.file().path(), d.file().size(), Outcome.DUPLICATE, studyUid, d.reason()));
        }
      }
      kept.sort(ARCHIVE_ORDER);
      List<ArchiveInstance> instances = new ArrayList<>();
      for (ParsedInstance p : kept) {
        instances.add(new ArchiveInstance(p.header(), SourceChannels.opener(p.path())));
      }
      StudyArchiveWriter.Result written = store.write(studyUid, instances);
      for (ParsedInstance p : kept) {
        rows.add(new ManifestRow(p.path(), p.size(), Outcome.ARCHIVED, studyUid, ""));
      }
      rows.sort(Comparator.comparing(ManifestRow::path));
      duplicates.inc(files.size() - kept.size());
      studiesWritten.inc();
      bytesWritten.inc(written.bytes());
      return new StudyResult(studyUid, true, written.bytes(), rows);
    }
  }
}
