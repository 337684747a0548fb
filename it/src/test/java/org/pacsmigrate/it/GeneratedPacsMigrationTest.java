package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * The job over a generated PACS of tens of studies and a few hundred files, with identical and conflicting
 * re-sends, truncated files, unusable UIDs and files that are not DICOM: every file's outcome is known in
 * advance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedPacsMigrationTest {
  static final SamplePacs.Plan PLAN = new SamplePacs.Plan(30, 2, 4, 2, 5, 6, 6, 4, 3, 2, 3, 2, 42L);

  private Path work;
  private Path input;
  private List<SamplePacs.GeneratedFile> generated;
  private MigrationOutput out;

  @BeforeAll
  void migrate(@TempDir Path work) throws Exception {
    this.work = work;
    input = work.resolve("pacs");
    generated = SamplePacs.generate(input, PLAN);
    assertTrue(generated.size() >= 200, "a few hundred files: " + generated.size());
    out = MigrationOutput.migrate(input, work.resolve("out"));
  }

  @Test
  void everyFileIsInTheManifestOnceWithTheOutcomeItMustHave() throws Exception {
    MigrationChecks.everyFileOnce(input, out);
    MigrationChecks.generatedOutcomes(generated, PLAN, out);
    assertEquals(generated.stream().filter(f -> f.expected() == Outcome.HELD).count(), out.count("held"));
  }

  @Test
  void reconciliationReportsOneWarningPerValueConflictAndHoldsEachIdentityConflict() throws Exception {
    JsonNode conflicts = new ObjectMapper().readTree(out.dir().resolve("reports/conflicts.json").toFile());
    Map<String, Long> bySeverity = new TreeMap<>();
    for (JsonNode f : conflicts) {
      bySeverity.merge(f.get("severity").asText() + " " + f.get("attribute").asText(), 1L, Long::sum);
    }
    assertEquals(Map.of("blocking PatientID", (long) PLAN.identityConflicts(),
        "warning AccessionNumber", (long) PLAN.valueConflicts()), bySeverity);
  }

  @Test
  void duplicatesSayWhetherTheyAreIdenticalOrConflicting() {
    long identical = out.rows().stream().filter(r -> r.reason().startsWith("identical to ")).count();
    long conflicting = out.rows().stream().filter(r -> r.reason().startsWith("conflicting duplicate of ")).count();
    assertEquals(PLAN.exactDuplicates(), identical);
    assertEquals(PLAN.conflictingDuplicates(), conflicting);
    MigrationChecks.duplicatesNameTheKeptFile(out);
  }

  @Test
  void countsAddUp() throws Exception {
    MigrationChecks.countsAddUp(out);
  }

  @Test
  void everyArchivedInstanceIsInItsStudyZip() throws Exception {
    MigrationChecks.everyArchivedInstanceInItsZip(out);
  }

  @Test
  void theSameInputRunTwiceGivesByteIdenticalZips() throws Exception {
    MigrationOutput again = MigrationOutput.migrate(input, work.resolve("again"));
    List<Path> first = out.zips();
    List<Path> second = again.zips();
    assertEquals(first.stream().map(Path::getFileName).toList(), second.stream().map(Path::getFileName).toList());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(Files.readAllBytes(first.get(i)), Files.readAllBytes(second.get(i)),
          first.get(i).getFileName().toString());
    }
    assertEquals(new HashSet<>(out.rows()), new HashSet<>(again.rows()), "the same manifest, in any order");
  }

  @Test
  void verifyPassesForEveryStudy() {
    MigrationChecks.verifyPasses(out, input);
  }

  @Test
  void exportWritesAStudysInstancesBackAsPart10Files() throws Exception {
    Path zip = out.zips().get(0);
    String study = zip.getFileName().toString().replaceFirst("\\.zip$", "");
    Path dir = work.resolve("exported");
    try {
      MigrationOutput.run("export", "--archive=" + zip, "--output=" + dir);
    } catch (UnsupportedOperationException e) {
      String message = "SKIPPED: export needs the real ArchiveExporter (" + e.getMessage() + ")";
      System.err.println(message);
      Assumptions.abort(message);
    }
    Set<String> exported = new TreeSet<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        DicomFile header = new P10Reader().read(f);
        assertEquals(study, header.dataSet().asciiString(Tag.StudyInstanceUID), f.toString());
        exported.add(header.dataSet().asciiString(Tag.SOPInstanceUID));
      }
    }
    assertEquals(out.sopUidsInZip(study), exported);
  }
}
