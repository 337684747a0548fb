package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.pacsmigrate.transforms.reconcile.DecisionRule;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.Level;
import org.pacsmigrate.transforms.reconcile.ReviewPage;
import org.pacsmigrate.transforms.reconcile.Severity;
import org.pacsmigrate.transforms.reconcile.StudyContext;

/**
 * conflicts.html with 100,000 findings (25,000 studies) in headless Chromium: it opens, pages and filters.
 * Prints how long it took to be ready (a figure for the report, not an assertion: no timed tests).
 */
class ReviewPageScaleTest {
  static final int STUDIES = 25_000;

  @Test
  void aHundredThousandFindingsStayUsable() throws Exception {
    List<Finding> findings = new ArrayList<>();
    List<StudyContext> contexts = new ArrayList<>();
    for (int s = 0; s < STUDIES; s++) {
      String study = "1.2.826.0.1.3680043.10.543.99." + (100000 + s);
      String path = "/pacs/" + s + "/IM";
      String id = "PID" + s;
      boolean held = s % 10 == 0;
      findings.add(new Finding(study, Level.PATIENT, "", "PatientName", 0x00100010, Severity.WARNING, List.of(
          new Finding.ValueCount("DOE^JOHN" + s, 3, List.of(path + "1", path + "2", path + "3"), List.of()),
          new Finding.ValueCount("Doe^Jon" + s, 1, List.of(path + "4"), List.of())), "DOE^JOHN" + s,
          DecisionRule.MAJORITY, "", "", ""));
      findings.add(new Finding(study, Level.PATIENT, "", "PatientID", 0x00100020,
          held ? Severity.BLOCKING : Severity.INFO, List.of(
          new Finding.ValueCount(id, 3, List.of(path + "1"), List.of()),
          new Finding.ValueCount(held ? id + "X" : null, 1, List.of(path + "4"), List.of())), id,
          held ? DecisionRule.HELD_PREFIX + DecisionRule.MAJORITY : DecisionRule.MAJORITY, "", "", ""));
      findings.add(new Finding(study, Level.STUDY, "", "StudyDescription", 0x00081030, Severity.WARNING, List.of(
          new Finding.ValueCount("CT HEAD", 2, List.of(path + "1"), List.of()),
          new Finding.ValueCount("CT HEAD W/O", 2, List.of(path + "3"), List.of())), "CT HEAD",
          DecisionRule.TIE_CREATION, "", "", ""));
      findings.add(new Finding(study, Level.SERIES, study + ".1", "SeriesDescription", 0x0008103E, Severity.INFO,
          List.of(new Finding.ValueCount("AX T1", 3, List.of(path + "1"), List.of()),
              new Finding.ValueCount("ax t1", 1, List.of(path + "4"), List.of())), "AX T1", DecisionRule.MAJORITY,
          "", "", ""));
      contexts.add(new StudyContext(study, "DOE^JOHN" + s, id, "19700101", "20240301", "ACC" + s, "CT", "CT HEAD",
          2, 4, held));
    }
    findings.sort(Finding.REPORT_ORDER);
    long start = System.nanoTime();
    String html = ReviewPage.html(findings, contexts);
    long renderMs = (System.nanoTime() - start) / 1_000_000;
    Path page = Path.of("target/conflicts-100k.html").toAbsolutePath();
    Files.createDirectories(page.getParent());
    Files.writeString(page, html, StandardCharsets.UTF_8);

    try (ReviewBrowser browser = ReviewBrowser.open(Path.of("target/downloads-100k"))) {
      long wallStart = System.nanoTime();
      long readyMs = browser.load(page);
      long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
      assertEquals(100_000, browser.number("total"));
      assertEquals(100_000, browser.number("shown"));
      assertEquals(50, browser.driver.findElements(By.cssSelector("section.study")).size(), "one page of studies");
      System.out.printf("Review page, %d findings (%d studies, %.1f MB): written in %d ms; in headless Chromium ready "
          + "%d ms after navigation start (wall %d ms, driver included)%n", findings.size(), STUDIES,
          Files.size(page) / 1e6, renderMs, readyMs, wallMs);

      browser.byId("next").click();
      assertTrue(browser.byId("page").getText().startsWith("page 2 of 500"), browser.byId("page").getText());
      long filterStart = System.nanoTime();
      browser.byId("f-text").sendKeys("pid12345");
      browser.waitFor(java.time.Duration.ofSeconds(60), d -> browser.number("shown") < 100_000);
      System.out.printf("Filtering 100,000 findings by text: %d ms (Selenium's typing included)%n",
          (System.nanoTime() - filterStart) / 1_000_000);
      assertEquals(4, browser.number("shown"), "the four findings of the study of PID12345");
      browser.byId("f-held").click();
      assertEquals(0, browser.number("shown"), "PID12345's study is not held (12345 is not a multiple of 10)");
    }
  }
}
