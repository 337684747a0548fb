package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.BeamTests;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.Summary;
import org.pacsmigrate.transforms.reports.Tally;

/** What each state of a study adds to summary.json, and the records that carry the states across a shuffle. */
class DeltaCountsTest {
  @TempDir Path out;

  private static ManifestRow row(String path, long size, Outcome o, String study) {
    return new ManifestRow(path, size, o, study, o == Outcome.ARCHIVED ? "" : "why");
  }

  private static final StudyResult WRITTEN = new StudyResult("1.2.1", StudyResult.State.WRITTEN, 1000, List.of(
      row("/in/a", 100, Outcome.ARCHIVED, "1.2.1"), row("/in/b", 100, Outcome.DUPLICATE, "1.2.1")));
  private static final StudyResult UNCHANGED = new StudyResult("1.2.2", StudyResult.State.UNCHANGED, 3000, List.of(
      row("/in/c", 200, Outcome.ARCHIVED, "1.2.2"), row("/in/d", 200, Outcome.ARCHIVED, "1.2.2"),
      row("/in/e", 200, Outcome.DUPLICATE, "1.2.2")));
  private static final StudyResult NOT_WRITTEN = new StudyResult("1.2.3", StudyResult.State.NOT_WRITTEN, 0, List.of(
      row("/in/f", 50, Outcome.HELD, "1.2.3")));
  private static final StudyResult MISSING = new StudyResult("1.2.4", StudyResult.State.MISSING_FROM_SOURCE, 7000,
      List.of());

  @Test
  void eachStateCountsWhatItLeavesInTheArchive() {
    assertEquals(new Tally(0, 0, 0, 0, 0, 1, 0, 1000, 1, 0, 0, 0, 1000), Tally.of(WRITTEN));
    // In the archive after this run (studies, bytesOut) but not written by it; its archived files are unchanged.
    assertEquals(new Tally(0, 0, 0, 0, 0, 1, 0, 3000, 0, 1, 2, 0, 0), Tally.of(UNCHANGED));
    assertEquals(Tally.ZERO, Tally.of(NOT_WRITTEN));
    assertEquals(new Tally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0), Tally.of(MISSING));
    // A full run's counts: every study in the archive was written now.
    Tally full = new Tally(3, 2, 1, 0, 0, 2, 300, 5000);
    assertEquals(full.studies(), full.studiesWritten());
    assertEquals(full.bytesOut(), full.bytesWritten());
    assertEquals(0, full.studiesUnchanged() + full.filesUnchanged() + full.studiesMissingFromSource());
  }

  @Test
  void tallyCoderKeepsEveryCount() throws Exception {
    Tally t = new Tally(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1L << 40);
    assertEquals(t, CoderUtils.decodeFromByteArray(Tally.Coder.of(), CoderUtils.encodeToByteArray(Tally.Coder.of(), t)));
    CoderProperties.coderDecodeEncodeEqual(Tally.Coder.of(), t);
    assertEquals(t.plus(t), new Tally.Sum().apply(t, t));
    assertEquals(t, new Tally.Sum().apply(Tally.ZERO, t));
  }

  @Test
  void studyResultCoderKeepsEveryState() throws Exception {
    for (StudyResult r : List.of(WRITTEN, UNCHANGED, NOT_WRITTEN, MISSING)) {
      CoderProperties.coderDecodeEncodeEqual(StudyResult.Coder.of(), r);
      CoderProperties.coderDeterministic(StudyResult.Coder.of(), r, new StudyResult(r.studyUid(), r.state(),
          r.zipBytes(), List.copyOf(r.rows())));
    }
    assertEquals(StudyResult.State.values().length, 4);
    // A state byte no state has is an error, not some other state.
    byte[] bytes = CoderUtils.encodeToByteArray(StudyResult.Coder.of(), MISSING);
    int stateAt = 1 + MISSING.studyUid().length();
    assertEquals(StudyResult.State.MISSING_FROM_SOURCE.ordinal(), bytes[stateAt]);
    for (int bad : new int[] {4, 0x7F, 0xFF}) {
      bytes[stateAt] = (byte) bad;
      byte[] b = bytes.clone();
      assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(StudyResult.Coder.of(), b));
    }
  }

  @Test
  void studyRecordCoderRoundTrips() throws Exception {
    StudyRecord r = new StudyRecord("1.2.3", new byte[] {1, 2, 3}, false, 4, 5000, new ArchiveStamp(5000,
        1_700_000_000_123_456_789L));
    assertEquals(r, StudyRecord.decode(r.encode()));
    assertEquals(r.asMissingFromSource(), StudyRecord.decode(r.asMissingFromSource().encode()));
    StudyRecord none = new StudyRecord("1.2.3", new byte[32], true, 0, 0, ArchiveStamp.NONE);
    assertEquals(none, StudyRecord.decode(none.encode()));
    CoderProperties.coderDecodeEncodeEqual(StudyRecord.Coder.of(), r);
  }

  @Test
  void summaryAndMissingFromSourceReportCountEachState() throws Throwable {
    List<StudyResult> studies = List.of(WRITTEN, UNCHANGED, NOT_WRITTEN, MISSING);
    String output = out.toString();
    BeamTests.run(p -> PCollectionTuple
        .of(Reports.REJECTED, p.apply("Rejected", Create.empty(RejectedFile.Coder.of())))
        .and(Reports.STUDIES, p.apply("Studies", Create.of(studies).withCoder(StudyResult.Coder.of())))
        .apply("Reports", Reports.to(output, System.currentTimeMillis())));

    JsonNode s = Summary.parse(Files.readString(Path.of(Reports.summaryPath(output))));
    assertEquals(6, s.get("files").asLong());
    assertEquals(3, s.get("archived").asLong());
    assertEquals(2, s.get("duplicate").asLong());
    assertEquals(1, s.get("held").asLong());
    assertEquals(2, s.get("studies").asLong());
    assertEquals(4000, s.get("bytesOut").asLong());
    assertEquals(1, s.get("studiesWritten").asLong());
    assertEquals(1, s.get("studiesUnchanged").asLong());
    assertEquals(2, s.get("filesUnchanged").asLong());
    assertEquals(1, s.get("studiesMissingFromSource").asLong());
    assertEquals(1000, s.get("bytesWritten").asLong());
    assertEquals(List.of(Reports.MISSING_FROM_SOURCE_HEADER, "1.2.4,7000"),
        Files.readAllLines(Path.of(Reports.missingFromSourcePath(output))));
  }

  @Test
  void withNothingMissingTheReportHoldsItsHeaderOnly() throws Throwable {
    String output = out.toString();
    BeamTests.run(p -> PCollectionTuple
        .of(Reports.REJECTED, p.apply("Rejected", Create.empty(RejectedFile.Coder.of())))
        .and(Reports.STUDIES, p.apply("Studies", Create.of(WRITTEN).withCoder(StudyResult.Coder.of())))
        .apply("Reports", Reports.to(output, System.currentTimeMillis())));
    assertEquals(List.of(Reports.MISSING_FROM_SOURCE_HEADER),
        Files.readAllLines(Path.of(Reports.missingFromSourcePath(output))));
    JsonNode s = Summary.parse(Files.readString(Path.of(Reports.summaryPath(output))));
    assertEquals(0, s.get("studiesMissingFromSource").asLong());
    assertEquals(s.get("studies").asLong(), s.get("studiesWritten").asLong());
  }
}
