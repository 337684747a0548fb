package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.Tag;

class ReferenceIndexTest {
  private static final ReconciliationRules RULES = ReconciliationRules.standard();
  static final String MPI = """
      PatientID,IssuerOfPatientID,PatientName,PatientBirthDate,PatientSex,MergedIntoPatientID,AccessionNumber,StudyDescription
      P1,HOSP,DOE^JOHN,19700101,M,,,
      P1OLD,HOSP,DOE^JON,,,P1,,
      P1OLDER,HOSP,,,,P1OLD,,
      P2,HOSP,ROE^JANE,19800202,F,,,
      ,,,,,,ACC1,CT HEAD
      P2,HOSP,,,,,ACC2,
      """;

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ReferenceIndex.parse(text, "mpi.csv", RULES))
        .getMessage();
  }

  @Test
  void aBadFileIsRefusedNamingTheLineNeverAValue() {
    assertEquals("reference mpi.csv: line 1: unknown column 'PatientFavouriteColour' (a column is MergedIntoPatientID "
        + "or the keyword of a patient- or study-level text attribute that reconciliation compares, see "
        + "reconciliation-attributes.tsv)", error("PatientID,PatientFavouriteColour\nP1,red\n"));
    assertTrue(error("PatientID,SeriesDescription\n").contains("unknown column 'SeriesDescription'"),
        "series-level attributes are not the reference's");
    assertTrue(error("PatientID,DOE^JOHN\n").contains("unknown column (not a keyword)"), "no value quoted");
    assertEquals("reference mpi.csv: line 3: the same PatientID as line 2",
        error("PatientID,PatientName\nP1,DOE^JOHN\nP1,DOE^JON\n"));
    assertEquals("reference mpi.csv: line 3: the same AccessionNumber as line 2",
        error("AccessionNumber,StudyDate\nA1,20200101\nA1,20200102\n"));
    assertEquals("reference mpi.csv: line 2: the merge chain loops (lines 2 -> 3 -> 2); line 3: the merge chain "
        + "loops (lines 3 -> 2 -> 3)", error("PatientID,MergedIntoPatientID\nA,B\nB,A\nC,\n"));
    assertEquals("reference mpi.csv: line 2: the merge chain loops (lines 2 -> 2)",
        error("PatientID,MergedIntoPatientID\nA,A\n"));
    assertEquals("reference mpi.csv: line 2: merged into a PatientID the reference does not list as a patient row",
        error("PatientID,MergedIntoPatientID\nA,Z\n"));
    assertEquals("reference mpi.csv: line 2: PatientBirthDate: a DA value is YYYYMMDD",
        error("PatientID,PatientBirthDate\nP1,1.1.1970\n"));
    assertEquals("reference mpi.csv: line 2: 1 fields, expected 2", error("PatientID,PatientName\nP1\n"));
    assertTrue(error("PatientName\nDOE\n").contains("a PatientID or an AccessionNumber column is needed"));
    assertTrue(error("").contains("empty"));
  }

  @Test
  void mergedIdsLeadToTheSurvivorsValues() {
    ReferenceIndex index = ReferenceIndex.parse(MPI, "mpi.csv", RULES);
    assertEquals(4, index.patients());
    assertEquals(2, index.studies());
    ReferenceIndex.Decision d = index.decide(List.of("P1OLDER", "P1"), List.of("HOSP", "HOSP"),
        Arrays.asList("ACC1", null));
    assertTrue(d.identified());
    assertEquals(Map.of(Tag.PatientID, "P1", ReconciliationRules.ISSUER_OF_PATIENT_ID, "HOSP", Tag.PatientName,
        "DOE^JOHN", ReconciliationRules.PATIENT_BIRTH_DATE, "19700101", ReconciliationRules.PATIENT_SEX, "M",
        ReferenceIndex.ACCESSION_NUMBER, "ACC1", 0x00081030, "CT HEAD"), d.values());
    assertTrue(d.accessionFound());
  }

  @Test
  void twoPatientsOrAnUnknownIdAreNotIdentified() {
    ReferenceIndex index = ReferenceIndex.parse(MPI, "mpi.csv", RULES);
    ReferenceIndex.Decision two = index.decide(List.of("P1", "P2"), List.of("HOSP", "HOSP"), List.of("", ""));
    assertFalse(two.identified());
    assertTrue(two.patientFound());
    assertEquals(Map.of(), two.values());
    ReferenceIndex.Decision unknown = index.decide(List.of("P1", "P9"), List.of("HOSP", "HOSP"), List.of("", ""));
    assertFalse(unknown.identified());
    ReferenceIndex.Decision otherIssuer = index.decide(List.of("P1"), List.of("OTHER"), List.of("ACC9"));
    assertFalse(otherIssuer.patientFound(), "the issuer is part of the key");
    assertTrue(otherIssuer.patientChecked());
    assertFalse(otherIssuer.accessionFound());
    assertTrue(otherIssuer.accessionChecked());
    ReferenceIndex mpiOnly = ReferenceIndex.parse("PatientID,PatientName\nP1,DOE^JOHN\n", "x", RULES);
    assertFalse(mpiOnly.decide(List.of("P1"), Collections.singletonList(null), List.of("ACC9")).accessionChecked(),
        "an index without accessions does not report them missing");
  }
}
