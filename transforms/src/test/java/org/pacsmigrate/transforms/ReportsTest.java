package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.reports.Summary;

class ReportsTest {
  @TempDir Path out;

  @Test
  void manifestHasEveryFileOnceAndTheSummaryAddsUp() throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    List<RejectedFile> rejected = List.of(new RejectedFile("/in/notes,final.txt", 10, "", "not DICOM"));
    List<StudyResult> studies = List.of(
        new StudyResult("1.2.1", true, 1000, List.of(
            new ManifestRow("/in/a.dcm", 100, Outcome.ARCHIVED, "1.2.1", ""),
            new ManifestRow("/in/b.dcm", 100, Outcome.DUPLICATE, "1.2.1", "identical to /in/a.dcm"))),
        new StudyResult("1.2.2", false, 0, List.of(
            new ManifestRow("/in/c.dcm", 50, Outcome.REJECTED, "1.2.2", "study ZIP not written: gone"))));
    PCollectionTuple.of(Reports.REJECTED, p.apply("Rejected", Create.of(rejected).withCoder(RejectedFile.Coder.of())))
        .and(Reports.STUDIES, p.apply("Studies", Create.of(studies).withCoder(StudyResult.Coder.of())))
        .apply("Reports", Reports.to(out.toString(), System.currentTimeMillis()));
    p.run().waitUntilFinish();

    List<String> records = Csv.records(Files.readString(Path.of(Reports.manifestPath(out.toString()))));
    assertEquals(ManifestRow.CSV_HEADER, records.get(0));
    Set<ManifestRow> rows = new HashSet<>();
    records.subList(1, records.size()).forEach(r -> rows.add(ManifestRow.fromCsv(r)));
    Set<ManifestRow> expected = new HashSet<>(studies.get(0).rows());
    expected.addAll(studies.get(1).rows());
    expected.add(rejected.get(0).toManifestRow());
    assertEquals(expected, rows);

    JsonNode s = Summary.parse(Files.readString(Path.of(Reports.summaryPath(out.toString()))));
    assertEquals(4, s.get("files").asLong());
    assertEquals(1, s.get("archived").asLong());
    assertEquals(1, s.get("duplicate").asLong());
    assertEquals(2, s.get("rejected").asLong());
    assertEquals(0, s.get("held").asLong());
    assertEquals(1, s.get("studies").asLong());
    assertEquals(1, s.get("instances").asLong());
    assertEquals(260, s.get("bytesIn").asLong());
    assertEquals(1000, s.get("bytesOut").asLong());
  }
}
