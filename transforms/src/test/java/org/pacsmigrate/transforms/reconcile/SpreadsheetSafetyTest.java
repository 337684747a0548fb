package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.instance;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.set;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * A reviewer opens conflicts.csv and resolutions-template.csv in a spreadsheet: a value that a spreadsheet would
 * run as a formula must reach it as text, and come back from --resolutions exactly as it was.
 */
class SpreadsheetSafetyTest {
  static final String FORMULA = "=HYPERLINK(\"http://evil\",\"x\")";

  @TempDir Path dir;

  @Test
  void everyDangerousFirstCharacterIsQuotedAndTheQuoteIsUndoneExactly() {
    for (String v : List.of(FORMULA, "+1", "-1", "@SUM(A1)", "\tX", "\rX", "'O'BRIEN", "''", "'")) {
      String cell = SpreadsheetCells.neutralise(v);
      assertEquals('\'', cell.charAt(0), v);
      assertEquals(v, SpreadsheetCells.restore(cell), "round trip of " + v);
    }
    for (String v : List.of("DOE^JOHN", "", "1=1", " =x", "O'BRIEN")) {
      assertEquals(v, SpreadsheetCells.neutralise(v), "left alone: " + v);
      assertEquals(v, SpreadsheetCells.restore(v));
    }
  }

  @Test
  void aFormulaNameIsTextInBothCsvFilesAndSurvivesTheRoundTripThroughResolutions() throws IOException {
    // Three instances carry the formula as PatientName, two a plain name: the rule chooses the formula.
    List<ParsedInstance> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      DataSet ds = instance(21, 1, i + 1, "10000" + i);
      if (i < 3) {
        set(ds, Tag.PatientName, VR.PN, FORMULA);
      }
      files.add(StudyFiles.write(dir.resolve("in/IM" + i + ".dcm"), ds));
    }
    ReconcileStudy reconcile = new ReconcileStudy(ReconciliationRules.standard(), null);
    StudyReconciliation first = reconcile.reconcile(study(21), files, List.of());
    assertEquals(FORMULA, first.findings().get(0).chosen());

    String conflicts = ConflictReport.csv(first.findings());
    for (String record : Csv.records(conflicts).subList(1, Csv.records(conflicts).size())) {
      for (String cell : Csv.parseLine(record)) {
        assertFalse(cell.startsWith("="), "a cell a spreadsheet would run: " + record);
      }
    }
    assertTrue(conflicts.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""), conflicts);

    String template = ConflictReport.template(first.findings());
    List<String> rows = Csv.records(template);
    assertEquals(2, rows.size());
    List<String> row = Csv.parseLine(rows.get(1));
    assertEquals("'" + FORMULA, row.get(2), "the template's chosen cell is text for a spreadsheet");

    // The reviewer signs the row (in a spreadsheet: the quote stays part of the cell) and reruns.
    String signed = rows.get(0) + "\n" + Csv.line(row.get(0), row.get(1), row.get(2), "'=Dr Who", "'-ok", row.get(5))
        + "\n";
    Resolutions resolutions = Resolutions.parse(signed, "signed.csv", ReconciliationRules.standard());
    Resolutions.Resolution decision = resolutions.rows().get(0);
    assertEquals(FORMULA, decision.chosen(), "exactly the value, no quote");
    assertEquals("=Dr Who", decision.reviewer());
    assertEquals("-ok", decision.comment());

    StudyReconciliation second = reconcile.reconcile(study(21), files, resolutions.forStudy(study(21)));
    assertEquals(DecisionRule.REVIEWER, second.findings().get(0).rule());
    assertEquals(2, second.metadata().size(), "the two plain-named instances get the chosen value");
    for (DataSet changed : StudyFiles.published(second, files).values()) {
      assertEquals(FORMULA, new String(changed.get(Tag.PatientName).bytes(), StandardCharsets.ISO_8859_1).strip());
    }
  }

  @Test
  void aValueThatReallyBeginsWithAQuoteSurvivesTheRoundTrip() {
    String template = ConflictReport.template(List.of(new Finding(study(22), Level.STUDY, "", "StudyDescription",
        0x00081030, Severity.WARNING, List.of(), "'QUOTED", DecisionRule.MAJORITY, "", "", "")));
    List<String> row = Csv.parseLine(Csv.records(template).get(1));
    assertEquals("''QUOTED", row.get(2));
    String signed = Resolutions.HEADER + "\n" + Csv.line(row.get(0), row.get(1), row.get(2), "Dr Who", "", "");
    assertEquals("'QUOTED", Resolutions.parse(signed, "x", ReconciliationRules.standard()).rows().get(0).chosen());
  }

  @Test
  void noValueCanCloseThePagesDataElement() {
    String attack = "</script><script>alert(1)</script><!--";
    Finding f = new Finding(study(24), Level.STUDY, "", "StudyDescription", 0x00081030, Severity.WARNING,
        List.of(new Finding.ValueCount(attack, 1, List.of(), List.of()),
            new Finding.ValueCount("\u2028x&amp;", 1, List.of(), List.of())), attack, DecisionRule.MAJORITY, "", "",
        "");
    String html = ConflictReport.html(List.of(f));
    assertEquals(2, html.split("</script>", -1).length - 1, "only the page's own two script elements end");
    assertFalse(html.contains("<!--"));
    assertFalse(html.contains("\u2028"), "a line separator ends a JavaScript string in old engines");
  }

  @Test
  void theHtmlPageEscapesTheFormula() {
    Finding f = new Finding(study(23), Level.PATIENT, "", "PatientName", Tag.PatientName, Severity.WARNING,
        List.of(new Finding.ValueCount(FORMULA, 3, List.of("/in/<a>.dcm"), List.of()),
            new Finding.ValueCount("DOE^JOHN", 2, List.of(), List.of())), FORMULA, DecisionRule.MAJORITY, "", "", "");
    String html = ConflictReport.html(List.of(f));
    assertFalse(html.contains(FORMULA), "never raw");
    assertFalse(html.contains("<a>"), "paths escaped too");
    assertTrue(html.contains("=HYPERLINK(\\\"http://evil\\\",\\\"x\\\")"), "data for the script, set as text");
    assertTrue(html.contains("\\u003ca\\u003e.dcm"));
  }
}
