package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.reconcile.Resolutions;

/**
 * The review loop in the page, in a real browser: a dry run of the generated sample (plus a PatientName that a
 * spreadsheet would run as a formula), conflicts.html in headless Chromium through Selenium: filter, pick values,
 * release the held study, download resolutions.csv; the rerun with it archives every study with the chosen
 * values, and verify passes.
 */
class ReviewPageBrowserTest {
  /** 16 bytes, as the PN value it replaces in place (padding included). */
  static final String FORMULA = "=HYPERLINK(\"x\")";

  @Test
  void aReviewerDecidesInThePageAndTheRerunArchivesTheChosenValues(@TempDir Path work) throws Exception {
    Path input = work.resolve("pacs");
    List<SamplePacs.GeneratedFile> generated = SamplePacs.generate(input, SamplePacs.SMALL);
    String patchedStudy = patchOneName(generated);

    MigrationOutput.run("--input=" + input, "--output=" + work.resolve("dry"), "--dryRun");
    Path page = work.resolve("dry/reports/conflicts.html");
    Path csv;
    String heldStudy;
    String pickedAccession;
    try (ReviewBrowser browser = ReviewBrowser.open(work.resolve("downloads"))) {
      browser.load(page);
      assertEquals(3, browser.number("shown"), "a blocking PatientID, the accession and the name warnings");
      WebElement context = browser.driver.findElement(By.cssSelector("section.study .ctx"));
      for (String label : List.of("Patient", "ID", "Born", "Study date", "Accession", "Modalities", "Description",
          "Series", "Instances")) {
        assertTrue(context.getText().contains(label + ":"), context.getText());
      }

      // Filter by text: only the name finding; the formula is shown as text.
      WebElement find = browser.byId("f-text");
      find.sendKeys("hyperlink");
      shown(browser, 1); // the text filter runs once typing pauses
      WebElement row = browser.driver.findElement(By.cssSelector("tr.finding[data-attribute='PatientName']"));
      assertTrue(row.getText().contains(FORMULA), row.getText());
      assertTrue(browser.driver.findElements(By.cssSelector("#studies a")).isEmpty(), "no markup from a value");
      pick(row, FORMULA);
      row.findElement(By.cssSelector("input.comment")).sendKeys("as registered");
      find.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
      shown(browser, 3);

      // Filter by level: the study-level accession warning; pick the minority's value.
      new Select(browser.byId("f-level")).selectByValue("study");
      assertEquals(1, browser.number("shown"));
      row = browser.driver.findElement(By.cssSelector("tr.finding[data-attribute='AccessionNumber']"));
      pickedAccession = pick(row, "-1");
      new Select(browser.byId("f-level")).selectByValue("");

      // Held studies only: release the one held.
      browser.byId("f-held").click();
      List<WebElement> held = browser.driver.findElements(By.cssSelector("section.study"));
      assertEquals(1, held.size());
      heldStudy = held.get(0).getAttribute("data-study");
      held.get(0).findElement(By.cssSelector("input.release")).click();
      assertEquals(3, browser.number("decision-count"));

      browser.byId("download").click();
      assertTrue(browser.byId("download-status").getText().contains("Enter your name"), "unsigned: refused");
      browser.byId("reviewer").sendKeys("Dr. Selenium");
      browser.byId("download").click();
      csv = browser.downloaded("resolutions.csv");
    }

    List<String> records = Csv.records(Files.readString(csv, StandardCharsets.UTF_8));
    assertEquals(Resolutions.HEADER, records.get(0));
    assertEquals(4, records.size(), String.join("\n", records));
    Map<String, List<String>> byAttribute = new TreeMap<>();
    for (String r : records.subList(1, records.size())) {
      List<String> f = Csv.parseLine(r);
      byAttribute.put(f.get(1), f);
      assertEquals("Dr. Selenium", f.get(3));
    }
    assertEquals("'" + FORMULA, byAttribute.get("PatientName").get(2), "neutralised for a spreadsheet");
    assertEquals("as registered", byAttribute.get("PatientName").get(4));
    assertEquals(heldStudy, byAttribute.get("PatientID").get(0));

    Path resolutions = work.resolve("resolutions.csv");
    Files.copy(csv, resolutions);
    String console = MigrationOutput.run("--input=" + input, "--output=" + work.resolve("out"),
        "--resolutions=" + resolutions, "--modificationDateTime=20250131120000");
    MigrationOutput out = MigrationOutput.read(work.resolve("out"), console);
    assertEquals(0, out.count("held"), "the held study was released");
    assertEquals(5, out.count("studies"));
    MigrationChecks.countsAddUp(out);
    MigrationChecks.verifyPasses(out, input);
    for (JsonNode instance : out.metadata(patchedStudy)) {
      // In a PN, '=' starts the ideographic group: DICOM JSON shows the same value that way.
      JsonNode name = instance.get("00100010").get("Value").get(0);
      assertEquals("HYPERLINK(\"x\")", name.get("Ideographic").asText(), name.toString());
      assertTrue(name.path("Alphabetic").asText("").isEmpty(), name.toString());
    }
    String accessionStudy = byAttribute.get("AccessionNumber").get(0);
    for (JsonNode instance : out.metadata(accessionStudy)) {
      assertEquals(pickedAccession, instance.get("00080050").get("Value").get(0).asText());
    }
    assertTrue(Files.exists(out.zip(heldStudy)));
  }

  private static void shown(ReviewBrowser browser, long n) {
    browser.waitFor(Duration.ofSeconds(30), d -> browser.number("shown") == n);
  }

  /** Clicks the value containing {@code text} in a finding's row; returns the value as shown. */
  private static String pick(WebElement row, String text) {
    for (WebElement li : row.findElements(By.cssSelector("ul.values li"))) {
      WebElement value = li.findElement(By.cssSelector("code"));
      if (value.getText().contains(text)) {
        li.findElement(By.cssSelector("input.pick")).click();
        return value.getText();
      }
    }
    throw new AssertionError("no value with " + text + " in " + row.getText());
  }

  /**
   * Rewrites, in place, the PatientName of one instance of a study without other problems (its SOP Instance UID
   * in no other file) to {@link #FORMULA}; returns the study.
   */
  private static String patchOneName(List<SamplePacs.GeneratedFile> generated) throws Exception {
    Map<String, Integer> sops = new TreeMap<>();
    generated.forEach(g -> sops.merge(String.valueOf(g.sopInstanceUid()), 1, Integer::sum));
    List<SamplePacs.GeneratedFile> candidates = new ArrayList<>();
    for (SamplePacs.GeneratedFile g : generated) {
      String path = g.path().toString();
      if (g.expected() == Outcome.ARCHIVED && path.matches(".*/study-0[123]/series-\\d/IM000[2-9]\\.dcm")
          && sops.get(String.valueOf(g.sopInstanceUid())) == 1) {
        candidates.add(g);
      }
    }
    assertFalse(candidates.isEmpty());
    SamplePacs.GeneratedFile g = candidates.get(0);
    byte[] bytes = Files.readAllBytes(g.path());
    String latin = new String(bytes, StandardCharsets.ISO_8859_1);
    int n = Integer.parseInt(g.path().getParent().getParent().getFileName().toString().substring(6));
    String name = "SAMPLE^PATIENT" + n + " ";
    int at = latin.indexOf(name);
    assertTrue(at > 0 && latin.indexOf(name, at + 1) < 0 && name.length() == 16 && FORMULA.length() + 1 == 16);
    System.arraycopy((FORMULA + " ").getBytes(StandardCharsets.ISO_8859_1), 0, bytes, at, 16);
    Files.write(g.path(), bytes);
    return g.studyUid();
  }
}
