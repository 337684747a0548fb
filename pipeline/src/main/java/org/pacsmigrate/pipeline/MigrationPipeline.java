package org.pacsmigrate.pipeline;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.pacsmigrate.transforms.ArchiveStore;
import org.pacsmigrate.transforms.GroupByStudy;
import org.pacsmigrate.transforms.ListFiles;
import org.pacsmigrate.transforms.ParseHeaders;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.StudyResult;
import org.pacsmigrate.transforms.WriteStudyArchives;
import org.pacsmigrate.transforms.gcs.CloudStorageOptions;

/** The job's shape: ListFiles, ParseHeaders, GroupByStudy, WriteStudyArchives, Reports. */
public final class MigrationPipeline {
  private MigrationPipeline() {}

  /**
   * @param input folder or gs:// prefix to read
   * @param output folder for archive/ and reports/
   * @param startMillis when the job started, for the summary
   */
  public static void build(Pipeline pipeline, String input, String output, long startMillis) {
    // Constructed before anything is applied, so a bad output fails here and not on a worker.
    ArchiveStore store = ArchiveStore.under(output,
        ArchiveStore.Layout.parse(pipeline.getOptions().as(MigrationOptions.class).getLayout()),
        pipeline.getOptions().as(CloudStorageOptions.class).getGcsClientFactory());
    Reports reports = Reports.to(output, startMillis);

    PCollectionTuple headers = pipeline
        .apply("ListFiles", ListFiles.under(input))
        .apply("ParseHeaders", ParseHeaders.create());
    PCollection<StudyResult> studies = headers.get(ParseHeaders.PARSED)
        .apply("GroupByStudy", GroupByStudy.create())
        .apply("WriteStudyArchives", WriteStudyArchives.to(store));
    PCollectionTuple.of(Reports.REJECTED, headers.get(ParseHeaders.REJECTED))
        .and(Reports.STUDIES, studies)
        .apply("Reports", reports);
  }
}
