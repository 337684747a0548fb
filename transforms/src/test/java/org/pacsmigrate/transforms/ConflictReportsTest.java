package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.reconcile.ConflictReport;
import org.pacsmigrate.transforms.reconcile.DecisionRule;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.Level;
import org.pacsmigrate.transforms.reconcile.ReviewPage;
import org.pacsmigrate.transforms.reconcile.Severity;
import org.pacsmigrate.transforms.reconcile.StudyContext;

/** The four reports, from one grouping: each file is its renderer's text and a newline, findings sorted. */
class ConflictReportsTest {
  @TempDir
  Path dir;

  private static Finding finding(String study, String attribute, int tag, String a, String b) {
    return new Finding(study, Level.STUDY, "", attribute, tag, Severity.WARNING,
        List.of(new Finding.ValueCount(a, 2, List.of("/in/" + study + "/1.dcm"), List.of()),
            new Finding.ValueCount(b, 1, List.of("/in/" + study + "/2.dcm"), List.of())),
        a, DecisionRule.MAJORITY, "", "", "");
  }

  private static StudyContext context(String study) {
    return new StudyContext(study, "DOE^JANE", "P1", "19700101", "20200101", "A1", "MR", "HEAD", 1, 3, false);
  }

  private String report(String name) throws IOException {
    return Files.readString(Path.of(ConflictReports.path(dir.toString(), name)));
  }

  @Test
  void findingsInAnyOrderGiveTheSortedReportsAndThePageWithTheStudies() throws Throwable {
    List<Finding> sorted = List.of(finding("1.2.3", "StudyDescription", 0x00081030, "HEAD", "NECK"),
        finding("1.2.3", "StudyID", 0x00200010, "7", "8"), finding("1.2.4", "StudyDescription", 0x00081030, "A", "B"));
    List<Finding> scrambled = List.of(sorted.get(2), sorted.get(0), sorted.get(1));
    List<StudyContext> contexts = List.of(context("1.2.4"), context("1.2.3"));
    BeamTests.run(p -> {
      PCollection<StudyContext> studies = p.apply("Studies", Create.of(contexts).withCoder(StudyContext.Coder.of()));
      p.apply("Findings", Create.of(scrambled).withCoder(Finding.Coder.of()))
          .apply(ConflictReports.to(dir.toString()).withStudies(studies));
    });
    assertEquals(ConflictReport.csv(sorted) + "\n", report("conflicts.csv"));
    assertEquals(ConflictReport.json(sorted) + "\n", report("conflicts.json"));
    assertEquals(ConflictReport.template(sorted) + "\n", report("resolutions-template.csv"));
    // The page lists the studies in an order of its own: the contexts' order does not matter.
    assertEquals(ReviewPage.html(sorted, contexts) + "\n", report("conflicts.html"));
    assertEquals(ReviewPage.html(sorted, List.of(contexts.get(1), contexts.get(0))) + "\n", report("conflicts.html"));
  }

  @Test
  void noFindingsStillGiveEveryReport() throws Throwable {
    BeamTests.run(p -> p.apply(Create.empty(Finding.Coder.of())).apply(ConflictReports.to(dir.toString())));
    List<Finding> none = new ArrayList<>();
    assertEquals(ConflictReport.csv(none) + "\n", report("conflicts.csv"));
    assertEquals(ConflictReport.json(none) + "\n", report("conflicts.json"));
    assertEquals(ConflictReport.html(none) + "\n", report("conflicts.html"));
    assertEquals(ConflictReport.template(none) + "\n", report("resolutions-template.csv"));
  }
}
