package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.pipeline.SamplePacs;

/**
 * --reference on a generated PACS: a master patient index that names every patient (one of them merged into
 * another, as the held study's second PatientID) and a RIS export of every accession. The reference releases the
 * held study, decides the accession conflict, aligns every study, and verify passes. A bad file stops the run
 * before anything is archived.
 */
class ReferenceWorkflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 12 studies: 2 value conflicts (accessions), 2 studies with a second PatientID. */
  static final SamplePacs.Plan PLAN = new SamplePacs.Plan(12, 1, 2, 2, 3, 1, 1, 1, 1, 0, 2, 2, 7L);

  /** Names that do not sound alike, so that no possible duplicate is reported. */
  static final List<String> SURNAMES = List.of("ADAMS", "BAKER", "CLARK", "DAVIS", "EVANS", "FISHER", "GREEN",
      "HARRIS", "IRVING", "JACKSON", "KING", "LEWIS");

  /** The reference for {@link #PLAN}: patients SAMPLE0001..n, the X variants merged, accessions, descriptions. */
  static String reference(int studies, boolean withUnknownPatient) {
    StringBuilder b = new StringBuilder("PatientID,PatientName,PatientBirthDate,PatientSex,MergedIntoPatientID,"
        + "AccessionNumber,StudyDescription\n");
    for (int s = 1; s <= studies; s++) {
      if (!withUnknownPatient || s != 1) {
        b.append(String.format("SAMPLE%04d,%s^PATIENT^REF,19700101,%s,,,%n", s,
            SURNAMES.get((s - 1) % SURNAMES.size()), s % 2 == 0 ? "F" : "M"));
        b.append(String.format("SAMPLE%04dX,,,,SAMPLE%04d,,%n", s, s));
      }
      b.append(String.format(",,,,,ACC%05d,STUDY %d FROM RIS%n", s, s));
    }
    return b.toString();
  }

  @Test
  void theReferenceDecidesReleasesAndAlignsAndTheArchiveVerifies(@TempDir Path work) throws Exception {
    Path input = work.resolve("pacs");
    SamplePacs.generate(input, PLAN);
    Path mpi = work.resolve("mpi.csv");
    Files.writeString(mpi, reference(PLAN.studies(), true));
    String console = MigrationOutput.run("--input=" + input, "--output=" + work.resolve("out"), "--reference=" + mpi,
        "--modificationDateTime=20250131120000");
    MigrationOutput out = MigrationOutput.read(work.resolve("out"), console);
    assertEquals(0, out.count("held"), "the studies held for a merged second PatientID are released");
    assertEquals(PLAN.studies(), out.count("studies"));
    MigrationChecks.countsAddUp(out);
    MigrationChecks.verifyPasses(out, input);

    JsonNode conflicts = JSON.readTree(out.dir().resolve("reports/conflicts.json").toFile());
    Map<String, Long> byRule = new TreeMap<>();
    List<String> notInReference = new ArrayList<>();
    for (JsonNode f : conflicts) {
      byRule.merge(f.get("attribute").asText() + " / " + f.get("rule").asText(), 1L, Long::sum);
      if (f.get("rule").asText().startsWith("not in the reference")) {
        notInReference.add(f.get("attribute").asText() + " " + f.get("chosen").asText());
      }
      assertFalse(f.get("level").asText().equals("cross-study"), "aligned on the reference: " + f);
      assertFalse(f.get("level").asText().equals("possible-duplicate"), "names that differ: " + f);
    }
    System.out.println("Findings by attribute and rule: " + byRule);
    assertEquals(List.of("PatientID SAMPLE0001"), notInReference, "the one patient the index lacks");
    assertEquals(11L, byRule.get("PatientName / reference"));
    assertEquals(11L, byRule.get("PatientSex / reference"));
    assertEquals(12L, byRule.get("StudyDescription / reference"));
    assertEquals(2L, byRule.get("PatientID / reference"), "the two merged second IDs");
    assertEquals(2L, byRule.get("AccessionNumber / reference"), "the two accession conflicts");

    // Every archived instance carries the reference's values.
    for (String study : out.zips().stream().map(z -> z.getFileName().toString().replace(".zip", "")).toList()) {
      for (JsonNode instance : out.metadata(study)) {
        String id = instance.get("00100020").get("Value").get(0).asText();
        assertTrue(id.matches("SAMPLE\\d{4}"), id);
        assertTrue(instance.get("00081030").get("Value").get(0).asText().endsWith(" FROM RIS"));
        if (!id.equals("SAMPLE0001")) {
          assertTrue(instance.get("00100010").get("Value").get(0).get("Alphabetic").asText().endsWith("^REF"));
        }
      }
    }
  }

  @Test
  void aBadReferenceStopsTheRunBeforeAnythingIsArchivedNamingTheLine(@TempDir Path work) throws Exception {
    Path input = work.resolve("pacs");
    SamplePacs.generate(input, SamplePacs.SMALL);
    Path mpi = work.resolve("mpi.csv");
    Files.writeString(mpi, "PatientID,MergedIntoPatientID\nA,B\nB,A\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Path output = work.resolve("out");
    int code = Main.run(new String[] {"--input=" + input, "--output=" + output, "--reference=" + mpi}, console,
        console);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, printed);
    assertTrue(printed.contains("reference " + mpi + ": line 2: the merge chain loops (lines 2 -> 3 -> 2)"), printed);
    assertFalse(Files.exists(output.resolve("archive")), "nothing archived");

    Files.writeString(mpi, "PatientID,Colour\nA,red\n");
    code = Main.run(new String[] {"--input=" + input, "--output=" + output, "--reference=" + mpi}, console, console);
    assertEquals(2, code);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("line 1: unknown column 'Colour'"));
    code = Main.run(new String[] {"--input=" + input, "--output=" + output, "--requireReference"}, console, console);
    assertEquals(2, code, "--requireReference alone is a usage error");
  }
}
