package org.pacsmigrate.transforms;

import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.reports.Tally;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fused report step: each bundle's rows in a part, its counts beside it, missing studies as lines. */
class ReportPartsTest {
  @TempDir Path dir;

  @Test
  void aBundleOfStudiesGivesOnePartWithItsRowsAndCountsAndTheMissingStudiesLines() throws Throwable {
    String partsDir = dir.resolve("parts").toString() + "/";
    Files.createDirectories(dir.resolve("parts"));
    List<StudyResult> studies = List.of(
        new StudyResult("1.2.1", true, 1000, List.of(
            new ManifestRow("/in/a.dcm", 100, Outcome.ARCHIVED, "1.2.1", ""),
            new ManifestRow("/in/b,\"c\".dcm", 40, Outcome.DUPLICATE, "1.2.1", "identical to /in/a.dcm"))),
        new StudyResult("1.2.2", StudyResult.State.UNCHANGED, 700, List.of(
            new ManifestRow("/in/d.dcm", 60, Outcome.ARCHIVED, "1.2.2", ""))),
        new StudyResult("1.2.3", false, 0, List.of(
            new ManifestRow("/in/e.dcm", 50, Outcome.HELD, "1.2.3", "held: identity conflict"))),
        new StudyResult("1.2.4", StudyResult.State.MISSING_FROM_SOURCE, 900, List.of()));
    Tally expected = Tally.ZERO;
    for (StudyResult st : studies) {
      for (ManifestRow r : st.rows()) {
        expected = expected.plus(Tally.of(r));
      }
      expected = expected.plus(Tally.of(st));
    }
    Tally tally = expected;
    ArrayList<String> want = new ArrayList<>();
    studies.forEach(st -> st.rows().forEach(r -> want.add(r.toCsv())));
    want.sort(null);
    BeamTests.run(p -> {
      var out = p.apply(Create.of(studies).withCoder(StudyResult.Coder.of()))
          .apply(ParDo.of(new ReportParts.StudiesFn(partsDir)))
          .setCoder(KvCoder.of(VarIntCoder.of(), ReportParts.PartCoder.of()));
      PAssert.that(out).satisfies((SerializableFunction<Iterable<KV<Integer,
          ReportParts.Part>>, Void>) parts -> {
        Tally sum = Tally.ZERO;
        List<String> lines = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (KV<Integer, ReportParts.Part> kv : parts) {
          assertEquals(ReportParts.KEY, kv.getKey());
          sum = sum.plus(kv.getValue().tally());
          missing.addAll(kv.getValue().missing());
          if (kv.getValue().name() != null) {
            try {
              lines.addAll(Files.readAllLines(Path.of(kv.getValue().name())));
            } catch (java.io.IOException e) {
              throw new AssertionError(e);
            }
          }
        }
        assertEquals(tally, sum);
        assertEquals(List.of("1.2.4,900"), missing);
        lines.sort(null);
        assertEquals(want, lines);
        return null;
      });
    });
  }

  @Test
  void rejectedAndListedEntriesAreRowsAndCountsToo() throws Throwable {
    String partsDir = dir.resolve("parts").toString() + "/";
    Files.createDirectories(dir.resolve("parts"));
    RejectedFile bad = new RejectedFile("/in/notes.txt", 7, "", "not readable as DICOM: no preamble");
    ManifestRow link = new ManifestRow("/in/link", 0, Outcome.REJECTED, "", "symbolic link to x: not followed");
    String badLine = bad.toManifestRow().toCsv();
    Tally badTally = Tally.of(bad.toManifestRow());
    String linkLine = link.toCsv();
    Tally linkTally = Tally.of(link);
    BeamTests.run(p -> {
      var rejected = p.apply("Rejected", Create.of(bad).withCoder(RejectedFile.Coder.of()))
          .apply("RejectedRows", ParDo.of(new ReportParts.RejectedFn(partsDir)))
          .setCoder(KvCoder.of(VarIntCoder.of(), ReportParts.PartCoder.of()));
      var listed = p.apply("Listed", Create.of(link).withCoder(ManifestRow.Coder.of()))
          .apply("ListedRows", ParDo.of(new ReportParts.ListedFn(partsDir)))
          .setCoder(KvCoder.of(VarIntCoder.of(), ReportParts.PartCoder.of()));
      PAssert.that(rejected).satisfies(parts -> assertOnePart(parts, badLine, badTally));
      PAssert.that(listed).satisfies(parts -> assertOnePart(parts, linkLine, linkTally));
    });
  }

  private static Void assertOnePart(Iterable<KV<Integer, ReportParts.Part>> parts, String line,
      Tally tally) {
    List<KV<Integer, ReportParts.Part>> all = new ArrayList<>();
    parts.forEach(all::add);
    assertEquals(1, all.size());
    assertEquals(tally, all.get(0).getValue().tally());
    assertEquals(List.of(), all.get(0).getValue().missing());
    try {
      assertEquals(List.of(line), Files.readAllLines(Path.of(all.get(0).getValue().name())));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return null;
  }
}
