package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.ACCESSION_NUMBER;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_BIRTH_DATE;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_ID;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_WEIGHT;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.REFERRING_PHYSICIAN_NAME;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.SERIES_DESCRIPTION;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.STUDY_DESCRIPTION;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.instance;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.raw;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.set;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveVerifier;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.model.MetadataOverlay;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.io.SourceHeaders;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.transforms.reconcile.Resolutions.Resolution;
import org.pacsmigrate.transforms.reconcile.StudyReconciliation.ResolutionUse;

class ReconcileStudyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReconciliationRules RULES = ReconciliationRules.standard();
  private final ReconcileStudy reconcile = new ReconcileStudy(RULES, null);

  @TempDir Path dir;

  /** Series 1 holds instances 1-3, series 2 instances 1-2, created a minute apart. */
  private List<DataSet> fiveInstances(int s) {
    return new ArrayList<>(List.of(instance(s, 1, 1, "100000"), instance(s, 1, 2, "100100"),
        instance(s, 1, 3, "100200"), instance(s, 2, 1, "110000"), instance(s, 2, 2, "110100")));
  }

  private List<ParsedInstance> write(int s, List<DataSet> instances) throws IOException {
    List<ParsedInstance> out = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      out.add(StudyFiles.write(dir.resolve("in/study-" + s + "/IM" + i + ".dcm"), instances.get(i)));
    }
    return out;
  }

  /** Study 1: every kind of difference that does not hold a study. */
  private List<ParsedInstance> everyNonBlockingDifference() throws IOException {
    List<DataSet> d = fiveInstances(1);
    // PatientName, cosmetic only: case, trailing '^', a space around a component.
    set(d.get(1), Tag.PatientName, VR.PN, "Doe^John");
    set(d.get(2), Tag.PatientName, VR.PN, "DOE^JOHN^^");
    set(d.get(3), Tag.PatientName, VR.PN, "DOE ^JOHN");
    // Padding is not a difference at all.
    raw(d.get(0), ACCESSION_NUMBER, VR.SH, " ACC1   ");
    // ReferringPhysicianName: empty in two, absent in three.
    raw(d.get(0), REFERRING_PHYSICIAN_NAME, VR.PN, "");
    raw(d.get(1), REFERRING_PHYSICIAN_NAME, VR.PN, "");
    // StudyDescription: a 2-2 tie (one absent); ABDOMEN's newest instance is the more recent.
    set(d.get(0), STUDY_DESCRIPTION, VR.LO, "CHEST");
    set(d.get(1), STUDY_DESCRIPTION, VR.LO, "CHEST");
    set(d.get(3), STUDY_DESCRIPTION, VR.LO, "ABDOMEN");
    set(d.get(4), STUDY_DESCRIPTION, VR.LO, "ABDOMEN");
    // PatientWeight: one number written two ways.
    set(d.get(0), PATIENT_WEIGHT, VR.DS, "70");
    for (int i = 1; i < 5; i++) {
      set(d.get(i), PATIENT_WEIGHT, VR.DS, "70.0");
    }
    // SeriesDescription: series 1 has one instance that disagrees.
    set(d.get(2), SERIES_DESCRIPTION, VR.LO, "SERIES ONE");
    return write(1, d);
  }

  @Test
  void aConsistentStudyHasNoFindingsAndNothingChanges() throws IOException {
    List<ParsedInstance> files = write(9, fiveInstances(9));
    StudyReconciliation r = reconcile.reconcile(study(9), files, List.of());
    assertEquals(List.of(), r.findings());
    assertFalse(r.held());
    assertTrue(r.metadata().isEmpty());
    assertEquals("P1", r.patient().patientId());
    assertEquals("DOE^JOHN", r.patient().name());
  }

  @Test
  void reportsExactlyTheInjectedDifferencesWithTheirSeverityAndRule() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation r = reconcile.reconcile(study(1), files, List.of());
    assertFalse(r.held());
    Map<String, Finding> byAttribute = byAttribute(r.findings());
    assertEquals(List.of("PatientName", "PatientWeight", "ReferringPhysicianName", "SeriesDescription",
        "StudyDescription"), new ArrayList<>(byAttribute.keySet()));

    Finding name = byAttribute.get("PatientName");
    assertEquals(Severity.INFO, name.severity());
    assertEquals(Level.PATIENT, name.level());
    assertEquals("DOE^JOHN", name.chosen());
    assertEquals(DecisionRule.MAJORITY, name.rule());
    assertEquals(List.of("DOE^JOHN=2", "DOE ^JOHN=1", "DOE^JOHN^^=1", "Doe^John=1"), counts(name));

    Finding referring = byAttribute.get("ReferringPhysicianName");
    assertEquals(Severity.INFO, referring.severity());
    assertNull(referring.chosen(), "absent in three, empty in two: left out");
    assertEquals(List.of("null=3", "=2"), counts(referring));

    Finding description = byAttribute.get("StudyDescription");
    assertEquals(Severity.WARNING, description.severity());
    assertEquals(Level.STUDY, description.level());
    assertEquals("ABDOMEN", description.chosen());
    assertEquals(DecisionRule.TIE_CREATION, description.rule());
    assertEquals(List.of("ABDOMEN=2", "CHEST=2", "null=1"), counts(description));
    assertEquals("00081030", description.tagHex());

    Finding weight = byAttribute.get("PatientWeight");
    assertEquals(Severity.INFO, weight.severity());
    assertEquals("70.0", weight.chosen());

    Finding series = byAttribute.get("SeriesDescription");
    assertEquals(Severity.WARNING, series.severity());
    assertEquals(Level.SERIES, series.level());
    assertEquals(StudyFiles.series(1, 1), series.series());
    assertEquals("SERIES 1", series.chosen());
    assertEquals(DecisionRule.MAJORITY, series.rule());
    assertEquals(List.of(files.get(0).path(), files.get(1).path()), series.values().get(0).examples());
  }

  @Test
  void changedInstancesCarryTheChosenValuesAndTheirPreviousOnesInTheAuditTrail() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation r = reconcile.reconcile(study(1), files, List.of());
    // Instance 3 of series 1: name spelling, study description (absent before), series description.
    DataSet changed = published(r, files).get(files.get(2).sopInstanceUid());
    assertEquals("DOE^JOHN", text(changed, Tag.PatientName));
    assertEquals("ABDOMEN", text(changed, STUDY_DESCRIPTION));
    assertEquals("SERIES 1", text(changed, SERIES_DESCRIPTION));
    assertEquals(header(files.get(2)).dataSet().get(Tag.PixelData), changed.get(Tag.PixelData),
        "pixel data stays the source's");
    List<DataSet> records = changed.get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE).items();
    assertEquals(1, records.size());
    DataSet record = records.get(0);
    assertEquals("COERCE", record.asciiString(ReconcileStudy.REASON_FOR_MODIFICATION));
    assertEquals("PACSMIGRATE", record.asciiString(ReconcileStudy.MODIFYING_SYSTEM_TAG));
    assertEquals("20240301110100.000000", record.asciiString(ReconcileStudy.ATTRIBUTE_MODIFICATION_DATE_TIME),
        "the study's most recent instance creation");
    assertTrue(record.contains(ReconcileStudy.SOURCE_OF_PREVIOUS_VALUES));
    DataSet previous = record.get(ReconcileStudy.MODIFIED_ATTRIBUTES_SEQUENCE).items().get(0);
    assertEquals("DOE^JOHN^^", text(previous, Tag.PatientName));
    assertTrue(previous.get(STUDY_DESCRIPTION).isEmpty(), "absent before: recorded empty");
    assertEquals("SERIES ONE", text(previous, SERIES_DESCRIPTION));
    assertEquals(3, previous.size());
    // The empty ReferringPhysicianName is left out, and recorded.
    DataSet first = published(r, files).get(files.get(0).sopInstanceUid());
    assertFalse(first.contains(REFERRING_PHYSICIAN_NAME));
    DataSet firstPrevious = first.get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE).items().get(0)
        .get(ReconcileStudy.MODIFIED_ATTRIBUTES_SEQUENCE).items().get(0);
    assertTrue(firstPrevious.get(REFERRING_PHYSICIAN_NAME).isEmpty());
    // The last instance already held every chosen value.
    assertFalse(r.metadata().containsKey(files.get(4).sopInstanceUid()));
  }

  @Test
  void theResultDoesNotDependOnTheOrderOfTheInstances() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation a = reconcile.reconcile(study(1), files, List.of());
    List<ParsedInstance> reversed = new ArrayList<>(files);
    Collections.reverse(reversed);
    StudyReconciliation b = reconcile.reconcile(study(1), reversed, List.of());
    assertEquals(a, b);
  }

  @Test
  void tiesGoToTheNewestContentDateThenTheSmallestPath() throws IOException {
    List<DataSet> content = List.of(instance(5, 1, 1, "100000"), instance(5, 1, 2, "100000"));
    set(content.get(0), STUDY_DESCRIPTION, VR.LO, "FIRST");
    set(content.get(1), STUDY_DESCRIPTION, VR.LO, "SECOND");
    set(content.get(0), 0x00080023, VR.DA, "20240302");
    set(content.get(1), 0x00080023, VR.DA, "20240301");
    Finding f = reconcile.reconcile(study(5), write(5, content), List.of()).findings().get(0);
    assertEquals(DecisionRule.TIE_CONTENT, f.rule());
    assertEquals("FIRST", f.chosen());

    List<DataSet> path = List.of(instance(6, 1, 1, "100000"), instance(6, 1, 2, "100000"));
    set(path.get(0), STUDY_DESCRIPTION, VR.LO, "ZULU");
    set(path.get(1), STUDY_DESCRIPTION, VR.LO, "ALPHA");
    f = reconcile.reconcile(study(6), write(6, path), List.of()).findings().get(0);
    assertEquals(DecisionRule.TIE_PATH, f.rule());
    assertEquals("ZULU", f.chosen(), "IM0.dcm sorts first");
  }

  @Test
  void aValueSomeInstancesLackIsFilledInAsAWarning() throws IOException {
    List<DataSet> d = fiveInstances(10);
    for (int i = 0; i < 3; i++) {
      d.get(i).remove(ACCESSION_NUMBER);
    }
    Finding f = reconcile.reconcile(study(10), write(10, d), List.of()).findings().get(0);
    assertEquals("AccessionNumber", f.attribute());
    assertEquals(Severity.WARNING, f.severity());
    assertEquals("ACC1", f.chosen(), "absent does not vote");
    assertEquals(DecisionRule.ONLY_VALUE, f.rule());
  }

  @Test
  void twoPatientIdsInAStudyHoldIt() throws IOException {
    List<ParsedInstance> files = identityConflict();
    StudyReconciliation r = reconcile.reconcile(study(2), files, List.of());
    assertTrue(r.held());
    assertEquals("held: identity conflict in PatientID (0010,0020); decide in a resolutions file (see "
        + "conflicts.csv)", r.heldReason());
    assertTrue(r.metadata().isEmpty());
    assertNull(r.patient());
    Finding f = r.findings().get(0);
    assertEquals(1, r.findings().size());
    assertEquals(Severity.BLOCKING, f.severity());
    assertEquals("P1", f.chosen(), "the rule's suggestion, for the template");
    assertEquals(DecisionRule.held(DecisionRule.MAJORITY), f.rule());
  }

  @Test
  void patientIdsAreComparedAsWrittenNotUpperCased() throws IOException {
    List<DataSet> d = fiveInstances(11);
    set(d.get(4), PATIENT_ID, VR.LO, "p1");
    StudyReconciliation r = reconcile.reconcile(study(11), write(11, d), List.of());
    assertTrue(r.held());
  }

  @Test
  void nameAndBirthDateBothDifferingHoldTheStudyNameAloneDoesNot() throws IOException {
    List<ParsedInstance> files = nameAndBirthDateConflict();
    StudyReconciliation r = reconcile.reconcile(study(3), files, List.of());
    assertTrue(r.held());
    assertEquals(List.of("BLOCKING", "BLOCKING"), r.findings().stream().map(f -> f.severity().name()).toList());
    assertTrue(r.heldReason().contains("PatientBirthDate (0010,0030) and PatientName (0010,0010)"), r.heldReason());
    assertFalse(r.heldReason().contains("ROE"), "no values in the reason");

    List<DataSet> d = fiveInstances(4);
    set(d.get(4), Tag.PatientName, VR.PN, "DOE^JONATHAN");
    StudyReconciliation nameOnly = reconcile.reconcile(study(4), write(4, d), List.of());
    assertFalse(nameOnly.held());
    assertEquals(Severity.WARNING, nameOnly.findings().get(0).severity());
  }

  @Test
  void aReviewersDecisionReleasesAHeldStudyAndIsRecordedAsACorrection() throws IOException {
    List<ParsedInstance> files = identityConflict();
    Resolution decision = new Resolution(2, study(2), "PatientID", "", "P2", "Dr Who", "checked the RIS");
    StudyReconciliation r = reconcile.reconcile(study(2), files, List.of(decision));
    assertFalse(r.held());
    assertEquals(List.of(new ResolutionUse(2, ResolutionUse.Status.APPLIED, "")), r.resolutions());
    Finding f = r.findings().get(0);
    assertEquals(Severity.BLOCKING, f.severity());
    assertEquals(DecisionRule.REVIEWER, f.rule());
    assertEquals("P2", f.chosen());
    assertEquals("Dr Who", f.reviewer());
    assertEquals(2, r.metadata().size(), "the two instances with P1 change");
    DataSet changed = published(r, files).get(files.get(0).sopInstanceUid());
    assertEquals("P2", text(changed, PATIENT_ID));
    DataSet record = changed.get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE).items().get(0);
    assertEquals("CORRECT", record.asciiString(ReconcileStudy.REASON_FOR_MODIFICATION));
    assertEquals("P2", r.patient().patientId());
  }

  @Test
  void aStudyHeldForTwoAttributesNeedsADecisionOnBoth() throws IOException {
    List<ParsedInstance> files = nameAndBirthDateConflict();
    Resolution name = new Resolution(2, study(3), "PatientName", "", "DOE^JOHN", "Dr Who", "");
    Resolution birth = new Resolution(3, study(3), "PatientBirthDate", "", "19700101", "Dr Who", "");
    assertTrue(reconcile.reconcile(study(3), files, List.of(name)).held());
    StudyReconciliation both = reconcile.reconcile(study(3), files, List.of(name, birth));
    assertFalse(both.held());
    assertEquals(1, both.metadata().size());
  }

  @Test
  void resolutionsThatMatchNoFindingOrHoldABadValueAreReported() throws IOException {
    List<ParsedInstance> files = nameAndBirthDateConflict();
    List<ResolutionUse> uses = reconcile.reconcile(study(3), files, List.of(
        new Resolution(2, study(3), "PatientSex", "", "F", "Dr Who", ""),
        new Resolution(3, study(3), "PatientBirthDate", "", "1970-01-01", "Dr Who", ""),
        new Resolution(4, study(3), "SeriesDescription", "1.2.3", "X", "Dr Who", ""))).resolutions();
    assertEquals(ResolutionUse.Status.NO_FINDING, uses.get(0).status());
    assertEquals(ResolutionUse.Status.BAD_VALUE, uses.get(1).status());
    assertEquals("a DA value is YYYYMMDD", uses.get(1).problem());
    assertEquals(ResolutionUse.Status.NO_FINDING, uses.get(2).status());
  }

  @Test
  void aChosenValueIsWrittenInEachInstancesOwnCharacterSet() throws IOException {
    List<DataSet> d = List.of(instance(7, 1, 1, "100000"), instance(7, 1, 2, "100100"), instance(7, 1, 3, "100200"));
    for (int i = 0; i < 2; i++) {
      d.get(i).put(StudyFiles.ascii(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"));
      set(d.get(i), Tag.PatientName, VR.PN, "MÜLLER^HANS");
    }
    set(d.get(2), Tag.PatientName, VR.PN, "MUELLER^HANS");
    List<ParsedInstance> files = write(7, d);
    StudyReconciliation r = reconcile.reconcile(study(7), files, List.of());
    assertFalse(r.held(), r.heldReason());
    DataSet latin1 = published(r, files).get(files.get(2).sopInstanceUid());
    assertArrayEquals("MÜLLER^HANS ".getBytes(StandardCharsets.ISO_8859_1), latin1.get(Tag.PatientName).bytes());
  }

  @Test
  void aChosenValueTheCharacterSetCannotHoldHoldsTheStudyWithoutQuotingIt() throws IOException {
    List<DataSet> d = List.of(instance(8, 1, 1, "100000"), instance(8, 1, 2, "100100"), instance(8, 1, 3, "100200"));
    for (int i = 0; i < 2; i++) {
      d.get(i).put(StudyFiles.ascii(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"));
      set(d.get(i), Tag.PatientName, VR.PN, "MÜLLER^HANS");
    }
    d.get(2).remove(Tag.SpecificCharacterSet);
    set(d.get(2), Tag.PatientName, VR.PN, "MUELLER^HANS");
    StudyReconciliation r = reconcile.reconcile(study(8), write(8, d), List.of());
    assertTrue(r.held());
    assertEquals("held: the value chosen for PatientName (0010,0010) cannot be written in 1 instance(s): a "
        + "character outside the default repertoire (no Specific Character Set); choose another value in a "
        + "resolutions file", r.heldReason());
    assertEquals(Severity.BLOCKING, r.findings().get(0).severity(), "the attribute now blocks the study");
    assertEquals(DecisionRule.UNENCODABLE, r.findings().get(0).rule());
    assertEquals(java.util.Set.of(study(8)), ConflictReport.heldStudies(r.findings()));

    List<ParsedInstance> latin = write(12, List.of(set(instance(12, 1, 1, "1"), STUDY_DESCRIPTION, VR.LO, "A"),
        set(instance(12, 1, 2, "2"), STUDY_DESCRIPTION, VR.LO, "B")));
    StudyReconciliation typed = reconcile.reconcile(study(12), latin, List.of(
        new Resolution(2, study(12), "StudyDescription", "", "山田", "Dr Who", "")));
    assertTrue(typed.held());
    assertFalse(typed.heldReason().contains("山田"), typed.heldReason());
    assertTrue(typed.heldReason().contains("Specific Character Set ISO_IR 100"), typed.heldReason());
  }

  @Test
  void theModificationDateTimeIsTheConfiguredOneAndMustBeADicomDateTime() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation r = new ReconcileStudy(RULES, "20250131120000").reconcile(study(1), files, List.of());
    DataSet record = published(r, files).get(files.get(0).sopInstanceUid()).get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE)
        .items().get(0);
    assertEquals("20250131120000", record.asciiString(ReconcileStudy.ATTRIBUTE_MODIFICATION_DATE_TIME));
    assertThrows(IllegalArgumentException.class, () -> new ReconcileStudy(RULES, "2025-01-31"));
  }

  @Test
  void reconciledStudiesArchiveAndPassTheVerifierAgainstTheirSources() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation r = reconcile.reconcile(study(1), files, List.of());
    Path zip = archive(study(1), files, r, "a");
    verify(zip, files);
    // A rerun gives the same bytes.
    Path again = archive(study(1), files, reconcile.reconcile(study(1), files, List.of()), "b");
    assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(again));
    JsonNode metadata = JSON.readTree(openMetadata(zip));
    for (JsonNode instance : metadata) {
      assertEquals("ABDOMEN", instance.get("00081030").get("Value").get(0).asText());
      assertEquals("DOE^JOHN", instance.get("00100010").get("Value").get(0).get("Alphabetic").asText());
    }

    List<ParsedInstance> held = identityConflict();
    StudyReconciliation decided = reconcile.reconcile(study(2), held, List.of(
        new Resolution(2, study(2), "PatientID", "", "P2", "Dr Who", "")));
    Path released = archive(study(2), held, decided, "c");
    verify(released, held);
    for (JsonNode instance : JSON.readTree(openMetadata(released))) {
      assertEquals("P2", instance.get("00100020").get("Value").get(0).asText());
    }
  }

  @Test
  void sourcesThatAlreadyCarryAnAuditTrailKeepItAndTheNewRecordIsAppended() throws IOException {
    List<DataSet> d = List.of(instance(13, 1, 1, "100000"), instance(13, 1, 2, "100100"),
        instance(13, 1, 3, "100200"));
    // An earlier system renamed the patient, and said so; the last instance then got a typo at the modality.
    DataSet earlier = new DataSet()
        .put(DicomElement.ofItems(ReconcileStudy.MODIFIED_ATTRIBUTES_SEQUENCE,
            List.of(new DataSet().put(StudyFiles.ascii(Tag.PatientName, VR.PN, "OLD^NAME")))))
        .put(StudyFiles.ascii(ReconcileStudy.MODIFYING_SYSTEM_TAG, VR.LO, "RIS"))
        .put(StudyFiles.ascii(ReconcileStudy.REASON_FOR_MODIFICATION, VR.CS, "CORRECT"));
    for (DataSet ds : d) {
      ds.put(DicomElement.ofItems(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE, List.of(earlier)));
    }
    set(d.get(2), Tag.PatientName, VR.PN, "DOE^JOHNN");
    List<ParsedInstance> files = write(13, d);
    StudyReconciliation r = reconcile.reconcile(study(13), files, List.of());
    List<DataSet> records = published(r, files).get(files.get(2).sopInstanceUid())
        .get(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE).items();
    assertEquals(2, records.size());
    assertEquals("RIS", records.get(0).asciiString(ReconcileStudy.MODIFYING_SYSTEM_TAG));
    assertEquals("PACSMIGRATE", records.get(1).asciiString(ReconcileStudy.MODIFYING_SYSTEM_TAG));
    verify(archive(study(13), files, r, "earlier"), files);

    // Dropping the earlier record is a difference verify reports.
    Map<String, DataSet> dropped = new TreeMap<>(published(r, files));
    DataSet copy = new DataSet();
    header(files.get(0)).dataSet().elements().forEach(copy::put);
    copy.remove(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE);
    dropped.put(files.get(0).sopInstanceUid(), copy);
    Path zip = archive(study(13), files, dropped, "dropped");
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work"))
          .verify(archive, files.stream().map(p -> Path.of(p.path())).toList());
      assertEquals(1, verdict.failed(), verdict.instances().toString());
    }
  }

  @Test
  void theVerifierNoticesAnAuditTrailThatDoesNotMatchTheSource() throws IOException {
    List<ParsedInstance> files = everyNonBlockingDifference();
    StudyReconciliation r = reconcile.reconcile(study(1), files, List.of());
    Map<String, DataSet> forged = new TreeMap<>(published(r, files));
    DataSet ds = forged.get(files.get(2).sopInstanceUid());
    DataSet copy = new DataSet();
    ds.elements().forEach(copy::put);
    DataSet previous = new DataSet().put(StudyFiles.ascii(Tag.PatientName, VR.PN, "SOMEONE^ELSE"));
    copy.put(DicomElement.ofItems(ReconcileStudy.ORIGINAL_ATTRIBUTES_SEQUENCE, List.of(new DataSet()
        .put(DicomElement.ofItems(ReconcileStudy.MODIFIED_ATTRIBUTES_SEQUENCE, List.of(previous))))));
    forged.put(files.get(2).sopInstanceUid(), copy);
    Path zip = archive(study(1), files, forged, "forged");
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work"))
          .verify(archive, files.stream().map(p -> Path.of(p.path())).toList());
      assertFalse(verdict.ok());
    }
  }

  @Test
  void crossStudyDifferencesOfOnePatientAreWarningsCosmeticOnesAndMissingOnesAreNot() {
    PatientSummary a = new PatientSummary("P1", null, "1.2.1", "DOE^JOHN", "19700101", "M", 3, "/a");
    PatientSummary b = new PatientSummary("P1", null, "1.2.2", "Doe^John^", "19700102", null, 2, "/b");
    PatientSummary c = new PatientSummary("P1", null, "1.2.3", "DOE^JOHN", "19700101", "F", 1, "/c");
    List<Finding> findings = CrossStudyCheck.findings(List.of(c, b, a));
    assertEquals(List.of("PatientBirthDate", "PatientSex"), findings.stream().map(Finding::attribute).toList());
    Finding birth = findings.get(0);
    assertEquals(Level.CROSS_STUDY, birth.level());
    assertEquals(Severity.WARNING, birth.severity());
    assertEquals("P1", birth.study());
    assertNull(birth.chosen());
    assertEquals(DecisionRule.CROSS_STUDY, birth.rule());
    assertEquals(List.of("19700101=4", "19700102=2"), counts(birth));
    assertEquals(List.of("1.2.1", "1.2.3"), birth.values().get(0).studies());
    assertEquals(List.of(), CrossStudyCheck.findings(List.of(a)));
  }

  // -----------------------------------------------------------------------------------------------------------

  private List<ParsedInstance> identityConflict() throws IOException {
    List<DataSet> d = List.of(instance(2, 1, 1, "100000"), instance(2, 1, 2, "100100"), instance(2, 1, 3, "100200"));
    set(d.get(2), PATIENT_ID, VR.LO, "P2");
    return write(2, d);
  }

  private List<ParsedInstance> nameAndBirthDateConflict() throws IOException {
    List<DataSet> d = List.of(instance(3, 1, 1, "100000"), instance(3, 1, 2, "100100"), instance(3, 1, 3, "100200"));
    set(d.get(2), Tag.PatientName, VR.PN, "ROE^JANE");
    set(d.get(2), PATIENT_BIRTH_DATE, VR.DA, "19800202");
    return write(3, d);
  }

  private Path archive(String studyUid, List<ParsedInstance> files, StudyReconciliation r, String name)
      throws IOException {
    return archive(studyUid, files, published(r, files), name);
  }

  /** As the archive step does it: each header read again, the study's changes laid over it. */
  private static Map<String, DataSet> published(StudyReconciliation r, List<ParsedInstance> files)
      throws IOException {
    Map<String, DataSet> out = new TreeMap<>();
    for (ParsedInstance p : files) {
      MetadataOverlay changed = r.metadata().get(p.sopInstanceUid());
      if (changed != null) {
        out.put(p.sopInstanceUid(), changed.applyTo(header(p).dataSet()));
      }
    }
    return out;
  }

  private static DicomFile header(ParsedInstance p) throws IOException {
    return SourceHeaders.reread(p);
  }

  /** @param published the data set to publish per SOP Instance UID, when not the source's */
  private Path archive(String studyUid, List<ParsedInstance> files, Map<String, DataSet> published, String name)
      throws IOException {
    List<ArchiveInstance> instances = new ArrayList<>();
    for (ParsedInstance p : files) {
      Path source = Path.of(p.path());
      DicomFile header = header(p);
      instances.add(new ArchiveInstance(header, published.getOrDefault(p.sopInstanceUid(), header.dataSet()),
          () -> FileChannel.open(source, StandardOpenOption.READ)));
    }
    instances.sort(java.util.Comparator.comparing((ArchiveInstance i) -> i.file().dataSet()
        .asciiString(Tag.SeriesInstanceUID)).thenComparing(i -> i.file().dataSet().asciiString(Tag.SOPInstanceUID)));
    Path zip = dir.resolve("out-" + name).resolve(studyUid + ".zip");
    new StudyArchiveWriter().writeAtomically(studyUid, instances, zip);
    return zip;
  }

  private void verify(Path zip, List<ParsedInstance> files) throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work"))
          .verify(archive, files.stream().map(p -> Path.of(p.path())).toList());
      assertTrue(verdict.ok(), verdict.instances().toString());
    }
  }

  private static byte[] openMetadata(Path zip) throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip)) {
      return archive.metadataJson();
    }
  }

  private static Map<String, Finding> byAttribute(List<Finding> findings) {
    return findings.stream().collect(Collectors.toMap(Finding::attribute, f -> f, (x, y) -> {
      throw new AssertionError("two findings for " + x.attribute());
    }, TreeMap::new));
  }

  private static List<String> counts(Finding f) {
    return f.values().stream().map(v -> v.value() + "=" + v.instances()).toList();
  }

  private static String text(DataSet ds, int tag) {
    return new String(ds.get(tag).bytes(), StandardCharsets.ISO_8859_1).strip();
  }
}
