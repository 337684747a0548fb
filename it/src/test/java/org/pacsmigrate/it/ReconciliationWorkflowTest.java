package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.WriteStudyArchives;

/**
 * The review loop of runbooks/review-conflicts.md on the generated sample (one value conflict, one study with
 * two PatientIDs): a dry run writes the reports and no archive; the reviewer signs the template; the rerun with
 * the resolutions archives every study, the held one with the chosen PatientID and its audit trail, and verify
 * passes. A resolutions file naming a study that does not exist fails the run before anything is archived.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconciliationWorkflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path work;
  private Path input;
  private List<SamplePacs.GeneratedFile> generated;
  private MigrationOutput dry;

  @BeforeAll
  void dryRun(@TempDir Path work) throws Exception {
    this.work = work;
    input = work.resolve("pacs");
    generated = SamplePacs.generate(input, SamplePacs.SMALL);
    String console = MigrationOutput.run("--input=" + input, "--output=" + work.resolve("dry"), "--dryRun");
    dry = MigrationOutput.read(work.resolve("dry"), console);
  }

  @Test
  void aDryRunWritesTheReportsAndNoArchive() throws Exception {
    assertFalse(Files.exists(dry.dir().resolve("archive")), "no archive folder");
    assertTrue(dry.summary().get("dryRun").asBoolean());
    assertEquals(0, dry.count("studies"));
    for (ManifestRow row : dry.rows()) {
      SamplePacs.GeneratedFile f = generated.stream().filter(g -> g.path().toString().equals(row.path()))
          .findFirst().orElseThrow();
      assertEquals(f.expected(), row.outcome(), row.toString());
      if (row.outcome() == Outcome.ARCHIVED) {
        assertEquals(WriteStudyArchives.DRY_RUN_REASON, row.reason());
      }
      if (row.outcome() == Outcome.HELD) {
        assertTrue(row.reason().startsWith("held: identity conflict in PatientID (0010,0020)"), row.reason());
      }
    }
    assertTrue(dry.count("held") > 0);

    JsonNode conflicts = conflicts(dry.dir());
    assertEquals(Map.of("blocking", 1L, "warning", 1L), severities(conflicts));
    for (String report : List.of("conflicts.csv", "conflicts.html", "resolutions-template.csv")) {
      assertTrue(Files.size(dry.dir().resolve("reports").resolve(report)) > 0, report);
    }
    assertEquals(3, template(dry.dir()).size(), "the header and one row per blocking or warning finding");
  }

  @Test
  void signedResolutionsReleaseTheHeldStudyAndTheArchiveVerifies() throws Exception {
    Path decisions = work.resolve("decisions.csv");
    List<String> rows = template(dry.dir());
    List<String> signed = new ArrayList<>(List.of(rows.get(0)));
    for (String row : rows.subList(1, rows.size())) {
      List<String> f = Csv.parseLine(row);
      // Keep the suggested value (the majority's PatientID), sign, and say why.
      signed.add(Csv.line(f.get(0), f.get(1), f.get(2), "Dr. A. Reviewer", "checked against the RIS", f.get(5)));
    }
    Files.write(decisions, signed);

    String console = MigrationOutput.run("--input=" + input, "--output=" + work.resolve("out"),
        "--resolutions=" + decisions, "--modificationDateTime=20250131120000");
    MigrationOutput out = MigrationOutput.read(work.resolve("out"), console);
    assertEquals(0, out.count("held"));
    assertEquals(5, out.count("studies"));
    MigrationChecks.countsAddUp(out);
    MigrationChecks.verifyPasses(out, input);

    JsonNode conflicts = conflicts(out.dir());
    assertEquals(Map.of("blocking", 1L, "warning", 1L), severities(conflicts));
    for (JsonNode f : conflicts) {
      assertEquals("resolved by reviewer", f.get("rule").asText());
      assertEquals("Dr. A. Reviewer", f.get("reviewer").asText());
    }
    // The formerly held study: every instance carries the chosen PatientID; the one changed records its old one.
    JsonNode patientId = conflicts.get(0);
    String study = patientId.get("study").asText();
    String chosen = patientId.get("chosen").asText();
    String previous = patientId.get("values").get(1).get("value").asText();
    int audited = 0;
    for (JsonNode instance : out.metadata(study)) {
      assertEquals(chosen, instance.get("00100020").get("Value").get(0).asText());
      JsonNode record = instance.path("04000561").path("Value").path(0);
      if (!record.isMissingNode()) {
        audited++;
        assertEquals(previous, record.get("04000550").get("Value").get(0).get("00100020").get("Value").get(0)
            .asText());
        assertEquals("20250131120000", record.get("04000562").get("Value").get(0).asText());
        assertEquals("PACSMIGRATE", record.get("04000563").get("Value").get(0).asText());
        assertEquals("CORRECT", record.get("04000565").get("Value").get(0).asText());
      }
    }
    assertEquals(1, audited);
  }

  @Test
  void aResolutionNamingAStudyThatDoesNotExistFailsBeforeAnythingIsArchived() throws Exception {
    Path decisions = work.resolve("wrong.csv");
    Files.writeString(decisions, "study,attribute,chosen,reviewer,comment\n1.2.3.4.5,PatientID,X,Dr. B,\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Path output = work.resolve("wrong");
    int code = Main.run(new String[] {"--input=" + input, "--output=" + output, "--resolutions=" + decisions},
        console, console);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertTrue(printed.contains("error: the resolutions file " + decisions + " does not match the findings, so "
        + "nothing was archived; correct these rows (or start again from reports/resolutions-template.csv): line 2 "
        + "(study 1.2.3.4.5, PatientID): no such study among the input's studies"), printed);
    assertFalse(Files.exists(output.resolve("archive")), "nothing archived");

    Files.writeString(decisions, "study,attribute,chosen,reviewer,comment\n1.2.3.4.5,NoSuchAttribute,X,Dr. B,\n");
    code = Main.run(new String[] {"--input=" + input, "--output=" + output, "--resolutions=" + decisions},
        console, console);
    assertEquals(2, code, "a row naming an attribute reconciliation does not compare is refused up front");
  }

  @Test
  void theConflictPageShowsTheCountsOfConflictsJsonInChromium() throws Exception {
    Path page = dry.dir().resolve("reports/conflicts.html");
    Chromium.Rendered rendered = Chromium.render(page, Path.of("target/conflicts-page.png"));
    Map<String, Long> expected = severities(conflicts(dry.dir()));
    for (String severity : List.of("blocking", "warning", "info")) {
      assertEquals(expected.getOrDefault(severity, 0L), rendered.count("count-" + severity), severity);
    }
    assertTrue(rendered.dom().contains("data-filters=\"ready\""), "the page's script ran");
    assertEquals(conflicts(dry.dir()).size(), rendered.count("shown"), "every finding shown before filtering");
  }

  private static JsonNode conflicts(Path output) throws IOException {
    JsonNode conflicts = JSON.readTree(output.resolve("reports/conflicts.json").toFile());
    assertTrue(conflicts.isArray());
    return conflicts;
  }

  private static Map<String, Long> severities(JsonNode conflicts) {
    Map<String, Long> counts = new TreeMap<>();
    conflicts.forEach(f -> counts.merge(f.get("severity").asText(), 1L, Long::sum));
    return counts;
  }

  private static List<String> template(Path output) throws IOException {
    return Csv.records(Files.readString(output.resolve("reports/resolutions-template.csv")));
  }
}
