package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResolutionsTest {
  private static final ReconciliationRules RULES = ReconciliationRules.standard();

  @Test
  void theStandardListHasTheIssuesAttributesAtTheirLevels() {
    assertEquals(Level.PATIENT, RULES.byKeyword("PatientName").level());
    assertEquals(Level.PATIENT, RULES.byKeyword("IssuerOfPatientID").level());
    assertEquals(Level.STUDY, RULES.byKeyword("AccessionNumber").level());
    assertEquals(Level.STUDY, RULES.byKeyword("PatientWeight").level());
    assertEquals(Level.SERIES, RULES.byKeyword("BodyPartExamined").level());
    assertEquals(0x00180015, RULES.byKeyword("BodyPartExamined").tag());
  }

  @Test
  void anAttributeListWithMistakesIsRefusedLineByLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReconciliationRules.parse(
        "# comment\npatient\tPatientName\nstudy\tNoSuchKeyword\nward\tStudyID\nseries\tPatientName\n"
            + "series\tSeriesInstanceUID\n", "mine.tsv"));
    assertEquals("reconciliation attributes mine.tsv: line 3: 'NoSuchKeyword' is not a keyword of the data "
        + "dictionary; line 4: unknown level 'ward' (patient, study, series or cross-study); line 5: PatientName "
        + "is already listed on line 2; line 6: SeriesInstanceUID cannot be reconciled", e.getMessage());
    assertEquals(1, ReconciliationRules.parse("study\tStudyID\n", "x").attributes().size());
  }

  @Test
  void readsDecisionsWithQuotedValuesAndAnOptionalSeries() {
    Resolutions r = Resolutions.parse(Resolutions.HEADER + "\n"
        + "1.2.3,PatientName,\"DOE^JOHN, JR\",Dr Who,\"said \"\"yes\"\"\",\n"
        + "\n"
        + "1.2.3,SeriesDescription,AX T1,Dr Who,,1.2.3.4\n", "r.csv", RULES);
    assertEquals(2, r.rows().size());
    assertEquals(new Resolutions.Resolution(2, "1.2.3", "PatientName", "", "DOE^JOHN, JR", "Dr Who",
        "said \"yes\""), r.rows().get(0));
    assertEquals(4, r.rows().get(1).line());
    assertEquals("1.2.3.4", r.rows().get(1).series());
    assertEquals(2, r.forStudy("1.2.3").size());
    assertTrue(r.forStudy("1.2.4").isEmpty());
    // Five columns are enough.
    assertFalse(Resolutions.parse("study,attribute,chosen,reviewer,comment\n1.2,StudyID,7,me,\n", "r", RULES)
        .isEmpty());
  }

  @Test
  void refusesEveryBadRowNamingItsLineButNeverItsValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolutions.parse(
        Resolutions.HEADER + "\n"
            + "1.2.3,NoSuchThing,SECRET,me,\n"
            + "abc,PatientName,SECRET,me,\n"
            + "1.2.3,PatientName,SECRET,,\n"
            + "1.2.3,PatientName,SECRET,me,,1.2.3.4\n"
            + "1.2.3,PatientID,SECRET,me,\n"
            + "1.2.3,PatientID,SECRET,you,\n", "r.csv", RULES));
    assertEquals("resolutions r.csv: line 2: attribute 'NoSuchThing' is not one reconciliation compares (see "
        + "reconciliation-attributes.tsv); line 3: the study must be a Study Instance UID (has a character other "
        + "than a digit or a dot); line 4: no reviewer; every decision is signed; line 5: a series is given, but "
        + "PatientName is a patient-level attribute; line 7: the same study and attribute as line 6",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Resolutions.parse("study,chosen\n", "r", RULES));
    assertEquals(List.of(), Resolutions.NONE.rows());
  }
}
