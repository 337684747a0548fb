package org.pacsmigrate.pipeline;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.pacsmigrate.transforms.ConflictReports;
import org.pacsmigrate.transforms.GroupByStudy;
import org.pacsmigrate.transforms.ListFiles;
import org.pacsmigrate.transforms.ParseHeaders;
import org.pacsmigrate.transforms.ReconcileStudies;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.SetAsideDuplicates;
import org.pacsmigrate.transforms.WriteStudyArchives;
import org.pacsmigrate.transforms.delta.CarriedStudies;
import org.pacsmigrate.transforms.delta.JournalInstances;
import org.pacsmigrate.transforms.delta.PriorRun;
import org.pacsmigrate.transforms.delta.ReadPriorRun;
import org.pacsmigrate.transforms.delta.RecordedInstance;
import org.pacsmigrate.transforms.delta.ReuseUnchangedFiles;
import org.pacsmigrate.transforms.delta.RunIndex;
import org.pacsmigrate.transforms.delta.WriteChangedStudies;
import org.pacsmigrate.transforms.gcs.CloudStorageOptions;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;
import org.pacsmigrate.transforms.reconcile.ReferenceSource;
import org.pacsmigrate.transforms.reconcile.Resolutions;

/**
 * The job's shape: ListFiles, ParseHeaders, GroupByStudy, SetAsideDuplicates, ReconcileStudies,
 * WriteStudyArchives, then Reports and ConflictReports. A run that keeps an index records each instance and each
 * written study in it (JournalInstances, WriteChangedStudies); a delta run first reads the earlier runs' index
 * (ReadPriorRun), reads only new or changed files (ReuseUnchangedFiles), carries over from the index every study
 * nothing touched (CarriedStudies) and writes only changed studies.
 */
public final class MigrationPipeline {
  private MigrationPipeline() {}

  /**
   * How studies are reconciled and whether archives are written.
   *
   * @param modificationDateTime the audit trail's date and time (DICOM DT), or null for the study-derived one
   */
  public record Reconciliation(boolean dryRun, ReconciliationRules rules, Resolutions resolutions,
      String modificationDateTime) {
    public static Reconciliation defaults() {
      return new Reconciliation(false, ReconciliationRules.standard(), Resolutions.NONE, null);
    }
  }

  /**
   * @param input folder or gs:// prefix to read
   * @param output folder for archive/ and reports/
   * @param startMillis when the job started, for the summary
   */
  public static void build(Pipeline pipeline, String input, String output, long startMillis) {
    build(pipeline, input, output, startMillis, Reconciliation.defaults());
  }

  /**
   * A run that keeps an index ({@link RunIndex}) and, unless {@code prior} is a full run, does only what changed
   * since the runs it names.
   */
  public record Passes(RunIndex index, PriorRun prior) {}

  public static void build(Pipeline pipeline, String input, String output, long startMillis,
      Reconciliation reconciliation) {
    build(pipeline, input, output, startMillis, reconciliation, null);
  }

  /** @param passes the index to keep and the earlier runs to build on; null for a run that keeps none */
  public static void build(Pipeline pipeline, String input, String output, long startMillis,
      Reconciliation reconciliation, Passes passes) {
    // Constructed before anything is applied, so a bad output fails here and not on a worker.
    ArchiveStore store = ArchiveStore.under(output,
        ArchiveStore.Layout.parse(pipeline.getOptions().as(MigrationOptions.class).getLayout()),
        pipeline.getOptions().as(CloudStorageOptions.class).getGcsClientFactory());
    Reports reports = Reports.to(output, startMillis);
    ReconcileStudies reconcile = ReconcileStudies.with(reconciliation.rules(), reconciliation.resolutions(),
        reconciliation.modificationDateTime());
    MigrationOptions options = pipeline.getOptions().as(MigrationOptions.class);
    if (options.getReference() != null) {
      // Read and checked here, before the job runs: a bad file is a usage error naming its lines.
      reconcile = reconcile.withReference(ReferenceSource.load(options.getReference(), reconciliation.rules()),
          options.getRequireReference());
    } else if (options.getRequireReference()) {
      throw new IllegalArgumentException("--requireReference needs --reference=FILE");
    }
    int maxInflationRatio = pipeline.getOptions().as(MigrationOptions.class).getMaxInflationRatio();
    WriteStudyArchives write = (reconciliation.dryRun() ? WriteStudyArchives.dryRun() : WriteStudyArchives.to(store))
        .withMaxInflationRatio(maxInflationRatio);
    ConflictReports conflictReports = ConflictReports.to(output);

    boolean delta = passes != null && !passes.prior().isFull();
    ListFiles list = ListFiles.under(input).followingLinks(options.getFollowLinks());
    PCollectionTuple listing = pipeline.apply("ListFiles", delta ? list.inChunks() : list);
    PCollectionTuple prior = null;
    PCollectionTuple split = null;
    PCollection<ListedFile> toParse;
    int studyBuckets = delta ? CarriedStudies.bucketsFor(passes.prior().expectedRecords()) : 0;
    if (delta) {
      int buckets = ReuseUnchangedFiles.bucketsFor(passes.prior().expectedRecords());
      prior = pipeline.apply("ReadPriorRun", ReadPriorRun.from(passes.prior().journals(), buckets,
          studyBuckets));
      split = listing.get(ListFiles.CHUNKS).apply("ReuseUnchangedFiles",
          ReuseUnchangedFiles.against(prior.get(ReadPriorRun.INSTANCES), buckets, studyBuckets));
      toParse = split.get(ReuseUnchangedFiles.TO_PARSE);
    } else {
      toParse = listing.get(ListFiles.FILES);
    }
    PCollectionTuple headers = toParse
        .apply("ParseHeaders", ParseHeaders.create(reconciliation.rules()).withMaxInflationRatio(maxInflationRatio));
    PCollection<KV<String, ParsedInstance>> instances = headers.get(ParseHeaders.PARSED);
    if (passes != null) {
      instances.apply("JournalInstances", JournalInstances.to(passes.index()));
    }
    PCollectionTuple carried = null;
    if (delta) {
      PCollection<KV<Integer, List<RecordedInstance>>> unchanged = split.get(ReuseUnchangedFiles.UNCHANGED);
      unchanged.apply("JournalUnchanged", JournalInstances.unchangedTo(passes.index()));
      // Touched: a study with a file read now, a file changed or gone, or a decision naming it.
      PCollection<String> readNow = instances.apply("StudiesReadNow", Keys.create()).setCoder(StringUtf8Coder.of());
      PCollectionList<String> touched = PCollectionList.of(split.get(ReuseUnchangedFiles.TOUCHED_STUDIES));
      if (!reconciliation.resolutions().studies().isEmpty()) {
        touched = touched.and(pipeline.apply("StudiesDecided", Create.of(reconciliation.resolutions().studies())
            .withCoder(StringUtf8Coder.of())));
      }
      carried = touched.apply("TouchedStudies", Flatten.pCollections())
          .apply("CarriedStudies", CarriedStudies.from(prior, unchanged, readNow, store, passes.index(),
              studyBuckets));
      instances = PCollectionList.of(instances).and(carried.get(CarriedStudies.TO_GROUP))
          .apply("ToGroup", Flatten.pCollections());
      reconcile = reconcile.withCarried(carried.get(CarriedStudies.RECONCILIATIONS));
    }
    if (passes != null && !reconciliation.dryRun()) {
      reconcile = reconcile.recordingTo(passes.index());
    }
    PCollectionTuple reconciled = instances
        .apply("GroupByStudy", GroupByStudy.create())
        .apply("SetAsideDuplicates", SetAsideDuplicates.create().withMaxInflationRatio(maxInflationRatio))
        .apply("ReconcileStudies", reconcile);
    PCollection<StudyResult> studies = reconciled.get(ReconcileStudies.STUDIES)
        .apply("WriteStudyArchives", passes == null || reconciliation.dryRun() ? write
            : WriteChangedStudies.with(write.writer(), store.layout().name().toLowerCase(java.util.Locale.ROOT),
                passes.index(), prior == null ? null : prior.get(ReadPriorRun.STUDIES)));
    if (carried != null) {
      studies = PCollectionList.of(studies).and(carried.get(CarriedStudies.RESULTS))
          .apply("AndCarriedStudies", Flatten.pCollections());
    }
    reconciled.get(ReconcileStudies.CONFLICTS).apply("ConflictReports",
        conflictReports.withStudies(reconciled.get(ReconcileStudies.CONTEXTS)));
    PCollectionTuple.of(Reports.REJECTED, headers.get(ParseHeaders.REJECTED))
        .and(Reports.STUDIES, studies)
        .and(Reports.LISTED, listing.get(ListFiles.ACCOUNTED))
        .apply("Reports", reconciliation.dryRun() ? reports.forDryRun() : reports);
  }
}
