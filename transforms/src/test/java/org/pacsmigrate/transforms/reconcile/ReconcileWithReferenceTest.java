package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.ACCESSION_NUMBER;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_BIRTH_DATE;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_ID;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.STUDY_DESCRIPTION;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.instance;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.set;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.study;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveVerifier;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.reconcile.Resolutions.Resolution;

/** ReconcileStudy with a reference file: its values win, merges release, missing patients and accessions. */
class ReconcileWithReferenceTest {
  private static final ReconciliationRules RULES = ReconciliationRules.standard();
  private static final String MPI = """
      PatientID,PatientName,PatientBirthDate,PatientSex,MergedIntoPatientID,AccessionNumber,StudyDescription
      P1,DOE^JOHN^A,19700101,M,,,
      P1OLD,,,,P1,,
      P2,ROE^JANE,19800202,F,,,
      ,,,,,ACC1,CT HEAD
      """;

  @TempDir Path dir;

  private ReconcileStudy reconcile(boolean required) throws IOException {
    Path file = dir.resolve("mpi.csv");
    Files.writeString(file, MPI);
    return new ReconcileStudy(RULES, "20250131120000").withReference(ReferenceSource.load(file.toString(), RULES),
        required);
  }

  private List<ParsedInstance> write(int s, List<DataSet> instances) throws IOException {
    List<ParsedInstance> out = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      out.add(StudyFiles.write(dir.resolve("in/study-" + s + "/IM" + i + ".dcm"), instances.get(i)));
    }
    return out;
  }

  private static List<DataSet> three(int s) {
    return new ArrayList<>(List.of(instance(s, 1, 1, "100000"), instance(s, 1, 2, "100100"),
        instance(s, 1, 3, "100200")));
  }

  private static Map<String, Finding> byAttribute(List<Finding> findings) {
    Map<String, Finding> m = new TreeMap<>();
    findings.forEach(f -> assertEquals(null, m.put(f.attribute(), f), "one finding per attribute"));
    return m;
  }

  @Test
  void theReferencesValuesWinEvenWhereEveryInstanceAgreesAndAreAuditedAsCoercions() throws IOException {
    List<ParsedInstance> files = write(1, three(1)); // DOE^JOHN, P1, 19700101, M, ACC1 everywhere
    StudyReconciliation r = reconcile(false).reconcile(study(1), files, List.of());
    assertFalse(r.held());
    Map<String, Finding> f = byAttribute(r.findings());
    assertEquals(List.of("PatientName", "StudyDescription"), List.copyOf(f.keySet()));
    assertEquals("DOE^JOHN^A", f.get("PatientName").chosen());
    assertEquals(DecisionRule.REFERENCE, f.get("PatientName").rule());
    assertEquals(Severity.WARNING, f.get("PatientName").severity());
    assertEquals("CT HEAD", f.get("StudyDescription").chosen(), "the accession's study-level values too");
    assertEquals(3, r.metadata().size());
    for (DataSet changed : StudyFiles.published(r, files).values()) {
      assertEquals("DOE^JOHN^A", text(changed, Tag.PatientName));
      DataSet record = changed.get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE).items().get(0);
      assertEquals("COERCE", record.asciiString(ReconcileStudy.REASON_FOR_MODIFICATION),
          "PS3.3 C.12.1.1.9: reconciliation against a master patient index is a coercion");
      DataSet previous = record.get(ReconcileStudy.MODIFIED_ATTRIBUTES_SEQUENCE).items().get(0);
      assertEquals("DOE^JOHN", text(previous, Tag.PatientName));
    }
    verify(study(1), files, r);
  }

  @Test
  void aStudyHeldOnlyForTwoIdsTheReferenceMergesIsReleasedWithTheSurvivorsId() throws IOException {
    List<DataSet> d = three(2);
    set(d.get(2), PATIENT_ID, VR.LO, "P1OLD");
    List<ParsedInstance> files = write(2, d);
    assertTrue(new ReconcileStudy(RULES, null).reconcile(study(2), files, List.of()).held(), "held without it");
    StudyReconciliation r = reconcile(false).reconcile(study(2), files, List.of());
    assertFalse(r.held(), r.heldReason());
    Finding id = byAttribute(r.findings()).get("PatientID");
    assertEquals("P1", id.chosen());
    assertEquals(DecisionRule.REFERENCE, id.rule());
    assertEquals(Severity.WARNING, id.severity());
    assertEquals("P1", text(StudyFiles.published(r, files).get(files.get(2).sopInstanceUid()), PATIENT_ID));
    assertEquals("P1", r.patient().patientId());
    verify(study(2), files, r);
  }

  @Test
  void aStudyWithTwoPatientsOfTheReferenceStaysHeld() throws IOException {
    List<DataSet> d = three(3);
    set(d.get(2), PATIENT_ID, VR.LO, "P2");
    StudyReconciliation r = reconcile(false).reconcile(study(3), write(3, d), List.of());
    assertTrue(r.held());
    assertTrue(r.heldReason().startsWith("held: identity conflict in PatientID (0010,0020)"), r.heldReason());
    assertFalse(byAttribute(r.findings()).containsKey("PatientName"), "no patient values for an unsure patient");
  }

  @Test
  void aPatientOrAccessionMissingFromTheReferenceIsAWarningOrWithRequireHeldUntilDecided() throws IOException {
    List<DataSet> d = three(4);
    for (DataSet ds : d) {
      set(ds, PATIENT_ID, VR.LO, "P7");
      set(ds, ACCESSION_NUMBER, VR.SH, "ACC7");
    }
    List<ParsedInstance> files = write(4, d);
    StudyReconciliation warned = reconcile(false).reconcile(study(4), files, List.of());
    assertFalse(warned.held());
    Map<String, Finding> f = byAttribute(warned.findings());
    assertEquals(List.of("AccessionNumber", "PatientID"), List.copyOf(f.keySet()));
    for (Finding x : f.values()) {
      assertEquals(Severity.WARNING, x.severity());
      assertEquals(DecisionRule.NOT_IN_REFERENCE, x.rule());
    }
    assertEquals("P7", f.get("PatientID").chosen(), "the value found is kept");
    assertTrue(warned.metadata().isEmpty(), "nothing changes");

    StudyReconciliation held = reconcile(true).reconcile(study(4), files, List.of());
    assertTrue(held.held());
    assertEquals("held: not in the reference: AccessionNumber (0008,0050) and PatientID (0010,0020); decide in a "
        + "resolutions file (see conflicts.csv)", held.heldReason());
    assertEquals(Severity.BLOCKING, byAttribute(held.findings()).get("PatientID").severity());

    StudyReconciliation released = reconcile(true).reconcile(study(4), files, List.of(
        new Resolution(2, study(4), "PatientID", "", "P7", "Dr Who", "new patient, not yet in the MPI"),
        new Resolution(3, study(4), "AccessionNumber", "", "ACC7", "Dr Who", "")));
    assertFalse(released.held());
    assertTrue(released.metadata().isEmpty());
  }

  @Test
  void studiesOfOnePatientAreAlignedSoTheCrossStudyCheckHasNothingLeft() throws IOException {
    List<DataSet> a = three(5);
    List<DataSet> b = three(6);
    b.forEach(ds -> set(ds, PATIENT_BIRTH_DATE, VR.DA, "19700111"));
    b.forEach(ds -> set(ds, PATIENT_ID, VR.LO, "P1OLD"));
    ReconcileStudy withReference = reconcile(false);
    PatientSummary first = withReference.reconcile(study(5), write(5, a), List.of()).patient();
    PatientSummary second = withReference.reconcile(study(6), write(6, b), List.of()).patient();
    assertEquals(first.patientKey(), second.patientKey(), "the merged ID became the survivor's");
    assertEquals("19700101", second.birthDate());
    assertEquals(List.of(), CrossStudyCheck.findings(List.of(first, second)));
    ReconcileStudy rulesOnly = new ReconcileStudy(RULES, null);
    List<DataSet> c = three(7);
    c.forEach(ds -> set(ds, PATIENT_BIRTH_DATE, VR.DA, "19700111"));
    assertEquals(1, CrossStudyCheck.findings(List.of(rulesOnly.reconcile(study(5), write(5, a), List.of()).patient(),
        rulesOnly.reconcile(study(7), write(7, c), List.of()).patient())).size(), "without it: reported only");
  }

  @Test
  void aReviewerStillHasTheLastWord() throws IOException {
    List<ParsedInstance> files = write(8, three(8));
    StudyReconciliation r = reconcile(false).reconcile(study(8), files, List.of(
        new Resolution(2, study(8), "StudyDescription", "", "CT HEAD WITHOUT CONTRAST", "Dr Who", "")));
    Finding f = byAttribute(r.findings()).get("StudyDescription");
    assertEquals(DecisionRule.REVIEWER, f.rule());
    assertEquals("CT HEAD WITHOUT CONTRAST", f.chosen());
  }

  @Test
  void aReferenceThatChangedSinceTheJobWasBuiltIsRefusedByTheWorkers() throws IOException {
    Path file = dir.resolve("changing.csv");
    Files.writeString(file, "PatientID,PatientName\nQ1,A^B\n");
    ReferenceSource source = ReferenceSource.load(file.toString(), RULES);
    Files.writeString(file, "PatientID,PatientName\nQ1,C^D\n");
    ReferenceSource copy = org.apache.beam.sdk.util.SerializableUtils.clone(source);
    // The cache holds this JVM's parse; a fresh worker JVM would read the file again and compare digests.
    assertEquals(1, copy.index().patients());
    assertThrows(IllegalArgumentException.class, () -> ReferenceSource.load(dir.resolve("none.csv").toString(),
        RULES));
  }

  private void verify(String studyUid, List<ParsedInstance> files, StudyReconciliation r) throws IOException {
    List<ArchiveInstance> instances = new ArrayList<>();
    for (ParsedInstance p : files) {
      Path source = Path.of(p.path());
      org.pacsmigrate.format.p10.DicomFile header = org.pacsmigrate.transforms.io.SourceHeaders.reread(p);
      instances.add(new ArchiveInstance(header, StudyFiles.published(r, files).getOrDefault(p.sopInstanceUid(),
          header.dataSet()), () -> FileChannel.open(source, StandardOpenOption.READ)));
    }
    instances.sort(Comparator.comparing((ArchiveInstance i) -> i.file().dataSet().asciiString(Tag.SeriesInstanceUID))
        .thenComparing(i -> i.file().dataSet().asciiString(Tag.SOPInstanceUID)));
    Path zip = dir.resolve("out").resolve(studyUid + ".zip");
    new StudyArchiveWriter().writeAtomically(studyUid, instances, zip);
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work"))
          .verify(archive, files.stream().map(p -> Path.of(p.path())).toList());
      assertTrue(verdict.ok(), verdict.instances().toString());
    }
  }

  private static String text(DataSet ds, int tag) {
    return new String(ds.get(tag).bytes(), StandardCharsets.ISO_8859_1).strip();
  }
}
