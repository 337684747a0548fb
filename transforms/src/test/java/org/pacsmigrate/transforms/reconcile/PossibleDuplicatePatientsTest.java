package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_BIRTH_DATE;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_ID;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_SEX;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.instance;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.set;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.ConflictReports;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.ReconcileStudies;
import org.pacsmigrate.transforms.SetAsideDuplicates;

class PossibleDuplicatePatientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static PatientSummary patient(String id, String name, String birth, String sex, int study) {
    return new PatientSummary(id, null, study(study), name, birth, sex, 2, "/in/" + study + "/1.dcm");
  }

  @Test
  void namesThatSoundAlikeShareAKey() {
    for (String[] pair : new String[][] {{"SMITH^JOHN", "SMYTH^JON"}, {"SCHMIDT^ANNA", "SMITH^ANA"},
        {"MÜLLER^JÖRG", "MULLER^JORG"}, {"DOE^JOHN", "JOHN^DOE"}, {"Doe^John^^Dr", "DOE^JOHN"}}) {
      assertTrue(!Collections.disjoint(SoundsAlike.keys(pair[0]), SoundsAlike.keys(pair[1])), String.join(" ", pair));
    }
    assertTrue(Collections.disjoint(SoundsAlike.keys("SMITH^JOHN"), SoundsAlike.keys("JONES^MARY")));
    assertTrue(SoundsAlike.keys("=山田^太郎").isEmpty(), "no alphabetic group: not compared");
    assertTrue(SoundsAlike.keys(null).isEmpty());
  }

  @Test
  void differentIdsSameBirthDateAndSexAndSimilarNamesAreReportedNeverTheSamePatient() {
    List<Finding> findings = PossibleDuplicatePatients.findings(List.of(
        patient("P1", "SMITH^JOHN", "19700101", "M", 1),
        patient("P1", "SMITH^JOHN", "19700101", "M", 2), // the same patient's second study: not a duplicate
        patient("P2", "SMYTH^JON", "19700101", "M", 3),
        patient("P3", "JONES^MARY", "19700101", "M", 4)));
    assertEquals(2, findings.size());
    Finding ids = findings.get(0);
    assertEquals(Level.POSSIBLE_DUPLICATE, ids.level());
    assertEquals("PatientID", ids.attribute());
    assertEquals(Severity.WARNING, ids.severity());
    assertEquals(null, ids.chosen(), "nothing is merged");
    assertEquals(List.of("P1", "P2"), ids.values().stream().map(Finding.ValueCount::value).toList());
    assertEquals(List.of(study(1), study(2)), ids.values().get(0).studies());
    assertEquals(List.of("SMITH^JOHN", "SMYTH^JON"),
        findings.get(1).values().stream().map(Finding.ValueCount::value).toList());
    assertEquals(findings, PossibleDuplicatePatients.findings(List.of(
        patient("P3", "JONES^MARY", "19700101", "M", 4), patient("P2", "SMYTH^JON", "19700101", "M", 3),
        patient("P1", "SMITH^JOHN", "19700101", "M", 2), patient("P1", "SMITH^JOHN", "19700101", "M", 1))),
        "the order of the input does not matter");
  }

  @Test
  void withoutABirthDateSexOrNameThereIsNoBlockingKey() {
    assertEquals(null, PossibleDuplicatePatients.blockingKey(patient("P1", "SMITH^JOHN", "", "M", 1)));
    assertEquals(null, PossibleDuplicatePatients.blockingKey(patient("P1", "SMITH^JOHN", "19700101", null, 1)));
    assertEquals(null, PossibleDuplicatePatients.blockingKey(patient("P1", "", "19700101", "M", 1)));
    assertEquals("19700101|M", PossibleDuplicatePatients.blockingKey(patient("P1", "SMITH", "19700101", "m ", 1)));
  }

  @Test
  void inAPipelineOnlyPatientsWithTheSameBirthDateAndSexAreCompared() throws Exception {
    // Study 1: P1 SMITH^JOHN M 19700101; 2: P2 SMYTH^JON, same; 3: P3 SMITH^JOHN but F; 4: P4 SMITH^JOHN, 19800101.
    String[][] patients = {{"P1", "SMITH^JOHN", "M", "19700101"}, {"P2", "SMYTH^JON", "M", "19700101"},
        {"P3", "SMITH^JOHN", "F", "19700101"}, {"P4", "SMITH^JOHN", "M", "19800101"}};
    List<KV<String, Iterable<ParsedInstance>>> grouped = new ArrayList<>();
    for (int s = 1; s <= patients.length; s++) {
      List<ParsedInstance> files = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        DataSet ds = instance(s, 1, i, "10000" + i);
        set(ds, PATIENT_ID, VR.LO, patients[s - 1][0]);
        set(ds, Tag.PatientName, VR.PN, patients[s - 1][1]);
        set(ds, PATIENT_SEX, VR.CS, patients[s - 1][2]);
        set(ds, PATIENT_BIRTH_DATE, VR.DA, patients[s - 1][3]);
        files.add(StudyFiles.write(dir.resolve("in/" + s + "/" + i + ".dcm"), ds));
      }
      grouped.add(KV.of(study(s), files));
    }
    Path out = dir.resolve("out");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(grouped).withCoder(KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(ParsedInstanceCoder.of()))))
        .apply(SetAsideDuplicates.create())
        .apply(ReconcileStudies.withDefaults())
        .get(ReconcileStudies.CONFLICTS).apply(ConflictReports.to(out.toString()));
    p.run().waitUntilFinish();

    JsonNode conflicts = JSON.readTree(Files.readString(Path.of(ConflictReports.path(out.toString(),
        "conflicts.json"))));
    List<String> seen = new ArrayList<>();
    for (JsonNode f : conflicts) {
      seen.add(f.get("level").asText() + " " + f.get("attribute").asText() + " " + f.get("values").get(0)
          .get("value").asText() + "/" + f.get("values").get(1).get("value").asText());
    }
    assertEquals(List.of("possible-duplicate PatientName SMITH^JOHN/SMYTH^JON", "possible-duplicate PatientID P1/P2"),
        seen, "reports order attributes by tag");
    String template = Files.readString(Path.of(ConflictReports.path(out.toString(), "resolutions-template.csv")));
    assertEquals(Resolutions.HEADER, template.strip(), "reported only: nothing to resolve");
  }
}
