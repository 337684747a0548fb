package org.pacsmigrate.transforms.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.TestDicom;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.Level;
import org.pacsmigrate.transforms.reconcile.PatientSummary;
import org.pacsmigrate.transforms.reconcile.Severity;
import org.pacsmigrate.transforms.reports.Tally;

class CodersTest {
  @TempDir Path dir;

  @Test
  void parsedInstancesRoundTripDeterministically() throws Exception {
    ParsedInstance p = TestDicom.parse(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 5)));
    byte[] once = CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), p);
    ParsedInstance back = CoderUtils.decodeFromByteArray(ParsedInstanceCoder.of(), once);
    assertEquals(p, back);
    assertArrayEquals(once, CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), back));
    // Nested, as in a shuffle's KV: the header's encoding must not swallow what follows it.
    Coder<KV<String, ParsedInstance>> kv = KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of());
    assertEquals(KV.of("k", p), CoderUtils.decodeFromByteArray(kv, CoderUtils.encodeToByteArray(kv, KV.of("k", p))));
    ParsedInstanceCoder.of().verifyDeterministic();
  }

  @Test
  void leanRecordsFollowBeamsCoderProperties() throws Exception {
    ParsedInstance a = TestDicom.parse(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 5)));
    ParsedInstance b = TestDicom.parse(TestDicom.write(dir.resolve("b.dcm"), TestDicom.image("1.2.4", 6)));
    for (ParsedInstance p : List.of(a, b)) {
      CoderProperties.coderDecodeEncodeEqual(ParsedInstanceCoder.of(), p);
      CoderProperties.coderDeterministic(ParsedInstanceCoder.of(), p, TestDicom.parse(Path.of(p.path())));
      CoderProperties.structuralValueDecodeEncodeEqual(ParsedInstanceCoder.of(), p);
    }
    CoderProperties.coderSerializable(ParsedInstanceCoder.of());
    MetadataOverlay overlay = new MetadataOverlay(
        new DataSet().put(TestDicom.text(Tag.PatientName, VR.PN, "OTHER^NAME")), List.of(0x00100030, 0x00080050),
        List.of(new DataSet().put(DicomElement.ofItems(0x04000550, List.of(a.reconciliation())))));
    CoderProperties.coderDecodeEncodeEqual(MetadataOverlay.Coder.of(), overlay);
    CoderProperties.coderSerializable(MetadataOverlay.Coder.of());
    ReconciledStudy study = new ReconciledStudy(new DedupedStudy(TestDicom.STUDY, List.of(a, b), List.of()), false,
        "", Map.of("1.2.4", overlay, "1.2.3", overlay));
    CoderProperties.coderDecodeEncodeEqual(ReconciledStudy.Coder.of(), study);
    CoderProperties.coderDeterministic(ReconciledStudy.Coder.of(), study, new ReconciledStudy(study.files(), false,
        "", new java.util.TreeMap<>(study.metadata())));
  }

  @Test
  void theRecordOfATypicalHeaderIsSmallAndHoldsNoPixelData() throws Exception {
    ParsedInstance p = TestDicom.parse(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 5)));
    int bytes = CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), p).length;
    assertTrue(bytes < 400, "encoded record: " + bytes + " bytes (path " + p.path().length() + ")");
  }

  @Test
  void reportRecordsRoundTrip() throws Exception {
    ManifestRow row = new ManifestRow("/a.dcm", 3, Outcome.HELD, "1.2", "waiting");
    StudyResult study = new StudyResult("1.2", true, 99, List.of(row, row));
    RejectedFile rejected = new RejectedFile("/b", 1, "", "why");
    Tally tally = new Tally(1, 2, 3, 4, 5, 6, 7, 8);
    assertEquals(row, roundTrip(ManifestRow.Coder.of(), row));
    assertEquals(study, roundTrip(StudyResult.Coder.of(), study));
    assertEquals(rejected, roundTrip(RejectedFile.Coder.of(), rejected));
    assertEquals(tally, roundTrip(Tally.Coder.of(), tally));
  }

  @Test
  void reconciliationRecordsRoundTripNestedAsInAShuffle() throws Exception {
    ParsedInstance p = TestDicom.parse(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 5)));
    ManifestRow dup = new ManifestRow("/b.dcm", 3, Outcome.DUPLICATE, TestDicom.STUDY, "identical to /a.dcm");
    DedupedStudy files = new DedupedStudy(TestDicom.STUDY, List.of(p), List.of(dup));
    DataSet changed = new DataSet().put(TestDicom.text(Tag.PatientName, VR.PN, "OTHER^NAME"));
    DataSet audit = new DataSet().put(DicomElement.ofItems(0x04000550, List.of(p.reconciliation())));
    ReconciledStudy study = new ReconciledStudy(files, false, "",
        Map.of("1.2.3", new MetadataOverlay(changed, List.of(0x00100030), List.of(audit))));
    Finding finding = new Finding(TestDicom.STUDY, Level.SERIES, TestDicom.SERIES, "SeriesDescription", 0x0008103E,
        Severity.WARNING, List.of(new Finding.ValueCount(null, 2, List.of("/a", "/b"), List.of()),
            new Finding.ValueCount("AX", 1, List.of("/c"), List.of("1.2"))), null, "majority of instances",
        "Dr", "why", "");
    PatientSummary patient = new PatientSummary("P1", null, "1.2", "DOE^JOHN", null, "M", 3, "/a");
    assertEquals(files, nested(DedupedStudy.Coder.of(), files));
    assertEquals(study, nested(ReconciledStudy.Coder.of(), study));
    assertEquals(finding, nested(Finding.Coder.of(), finding));
    assertEquals(patient, nested(PatientSummary.Coder.of(), patient));
  }

  /** Encoded inside a KV, so a coder that reads past its own bytes fails. */
  private static <T> T nested(Coder<T> coder, T value) throws Exception {
    Coder<KV<T, String>> kv = KvCoder.of(coder, StringUtf8Coder.of());
    KV<T, String> back = CoderUtils.decodeFromByteArray(kv, CoderUtils.encodeToByteArray(kv, KV.of(value, "end")));
    assertEquals("end", back.getValue());
    return back.getKey();
  }

  private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value));
  }
}
