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
import org.pacsmigrate.transforms.io.SourceChannels;
import org.pacsmigrate.transforms.model.DedupedStudy;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per study: files with the same SOP Instance UID are duplicates; {@link DuplicateResolver} keeps one and
 * reports the others. Files are sorted first, so the runner's grouping order never changes the choice. When the
 * files cannot be read for the comparison (a source gone since it was listed), all the study's files are rejected
 * with the reason and the job goes on.
 */
public final class SetAsideDuplicates
    extends PTransform<PCollection<KV<String, Iterable<ParsedInstance>>>, PCollection<DedupedStudy>> {

  private final int maxInflationRatio;

  private SetAsideDuplicates(int maxInflationRatio) {
    this.maxInflationRatio = maxInflationRatio;
  }

  public static SetAsideDuplicates create() {
    return new SetAsideDuplicates(org.pacsmigrate.format.p10.P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio the limit ParseHeaders applied: headers are read again under the same one */
  public SetAsideDuplicates withMaxInflationRatio(int maxInflationRatio) {
    return new SetAsideDuplicates(maxInflationRatio);
  }

  @Override
  public PCollection<DedupedStudy> expand(PCollection<KV<String, Iterable<ParsedInstance>>> studies) {
    return studies.apply("ResolveDuplicates", ParDo.of(new DedupFn(maxInflationRatio)))
        .setCoder(DedupedStudy.Coder.of());
  }

  /** The order instances are archived in (and handed on in): by Series, then SOP Instance UID. */
  static final Comparator<ParsedInstance> ARCHIVE_ORDER = Comparator
      .comparing(ParsedInstance::seriesUid).thenComparing(ParsedInstance::sopInstanceUid);

  static final class DedupFn extends DoFn<KV<String, Iterable<ParsedInstance>>, DedupedStudy> {
    private static final Logger LOG = LoggerFactory.getLogger(SetAsideDuplicates.class);
    private final Counter duplicates = MigrationMetrics.counter(MigrationMetrics.DUPLICATES);
    private final Counter studiesFailed = MigrationMetrics.counter(MigrationMetrics.STUDIES_FAILED);
    private final int maxInflationRatio;

    DedupFn(int maxInflationRatio) {
      this.maxInflationRatio = maxInflationRatio;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ParsedInstance>> study, OutputReceiver<DedupedStudy> out) {
      String studyUid = study.getKey();
      List<ParsedInstance> files = new ArrayList<>();
      study.getValue().forEach(files::add);
      files.sort(Comparator.comparing(ParsedInstance::path));
      try {
        out.output(dedup(studyUid, files));
      } catch (Exception e) {
        studiesFailed.inc();
        LOG.warn("A study's duplicates could not be compared ({} files rejected; reason in the manifest): {}",
            files.size(), e.getClass().getSimpleName());
        out.output(new DedupedStudy(studyUid, List.of(), WriteStudyArchives.rejectAll(studyUid, files, e)));
      }
    }

    private DedupedStudy dedup(String studyUid, List<ParsedInstance> files) throws Exception {
      Map<String, List<ParsedInstance>> bySop = new TreeMap<>();
      for (ParsedInstance f : files) {
        bySop.computeIfAbsent(f.sopInstanceUid(), k -> new ArrayList<>()).add(f);
      }
      DuplicateResolver resolver = new DuplicateResolver(SourceChannels::open, maxInflationRatio);
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
      duplicates.inc(files.size() - kept.size());
      return new DedupedStudy(studyUid, kept, rows);
    }
  }
}
