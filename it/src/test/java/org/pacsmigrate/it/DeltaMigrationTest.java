package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.pipeline.SamplePacs;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Delta and resumed runs (README, "Delta runs"), end to end with the pipeline jar in a JVM of its own: a rerun
 * into the same output reads only new or changed files and rewrites only the studies they change; the ZIPs of the
 * others stay the very same files (inode and modification time). The ordered steps 1-8 change one source and rerun
 * into one output, each step asserting exactly which ZIPs were written; the other tests (a run killed half way, a
 * foreign or corrupt index, {@code --full}, embedded Flink) have outputs of their own.
 *
 * <p>A study whose files have all gone from the source keeps its ZIP; {@code verify} (as of this writing) fails
 * that study ("archived, but no source given for it"), so step 5 prints what verify says and asserts nothing of
 * it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeltaMigrationTest {
  /** Eight studies of 3 to 10 files; the last one holds two PatientIDs and is held. */
  private static final SamplePacs.Plan PLAN = new SamplePacs.Plan(8, 1, 2, 3, 5, 0, 0, 0, 0, 0, 0, 1, 7L);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  private Path work;
  private Path input;
  private Path output;
  /** Study folder (study-01 ...) to its Study Instance UID. */
  private final Map<String, String> uids = new TreeMap<>();
  private MigrationOutput last;
  private int runs;

  @BeforeAll
  void generate(@TempDir Path work) throws Exception {
    this.work = work;
    input = work.resolve("pacs");
    output = work.resolve("out");
    for (SamplePacs.GeneratedFile f : SamplePacs.generate(input, PLAN)) {
      uids.put(input.relativize(f.path()).getName(0).toString(), f.studyUid());
    }
    assertEquals(8, uids.size());
  }

  // ---- one source, one output, changed step by step ----

  @Test
  @Order(1)
  void aRerunOfAnUnchangedSourceWritesNothing() throws Exception {
    MigrationOutput full = migrate(input, output);
    assertFirstLine(full, "Full run: no index of an earlier run in ");
    assertEquals(7, full.count("studies"));
    assertEquals(7, full.count("studiesWritten"));
    assertEquals(0, full.count("studiesUnchanged"));
    assertTrue(full.count("held") > 0);
    Map<String, ZipStamp> before = stamps(full);
    Map<String, String> fullReports = new HashMap<>();
    for (String report : List.of("conflicts.csv", "conflicts.json", "resolutions-template.csv")) {
      fullReports.put(report, Files.readString(full.dir().resolve("reports").resolve(report)));
    }

    MigrationOutput again = migrate(input, output);
    assertFirstLine(again, "Delta run: only files new or changed since the run of ");
    assertEquals(7, again.count("studies"));
    assertEquals(0, again.count("studiesWritten"));
    assertEquals(7, again.count("studiesUnchanged"));
    assertEquals(again.count("archived"), again.count("filesUnchanged"));
    assertEquals(0, again.count("bytesWritten"));
    assertEquals(0, again.count("studiesMissingFromSource"));
    assertEquals(full.count("bytesOut"), again.count("bytesOut"), "bytesOut counts the whole archive");
    assertTrue(again.console().contains("Delta:    0 studies written, 7 left as they were"), again.console());
    assertEquals(before, stamps(again), "every ZIP is the same file, untouched");
    assertEquals(new HashSet<>(full.rows()), new HashSet<>(again.rows()), "the manifest still describes it all");
    // Carried over from the index, not reconciled again: the same findings, review page data and template.
    for (String report : List.of("conflicts.csv", "conflicts.json", "resolutions-template.csv")) {
      assertEquals(conflictsOf(fullReports.get(report)), conflictsOf(Files.readString(
          again.dir().resolve("reports").resolve(report))), report);
    }
    assertTrue(fullReports.get("conflicts.csv").lines().count() > 1, "the sample has findings to carry over");
    checkAll(again);
  }

  /** A conflict report's lines, sorted: the order rows were written in is not part of what is checked. */
  private static List<String> conflictsOf(String report) {
    return report.lines().sorted().toList();
  }

  @Test
  @Order(2)
  void aNewStudyAndANewInstanceRewriteExactlyTheirTwoStudies() throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    // A study that was not there (another seed: other UIDs), and a further instance of study-02.
    List<SamplePacs.GeneratedFile> incoming = SamplePacs.generate(input.resolve("incoming"),
        new SamplePacs.Plan(1, 1, 1, 4, 4, 0, 0, 0, 0, 0, 99L));
    String newStudy = incoming.get(0).studyUid();
    String newSop = copyAsNewInstance(input.resolve("study-02/series-1/IM0002.dcm"),
        input.resolve("study-02/series-1/IM0099.dcm"));

    MigrationOutput out = migrate(input, output);
    assertFirstLine(out, "Delta run: ");
    assertEquals(Set.of(newStudy, uid("study-02")), written(before, stamps(out)));
    assertEquals(2, out.count("studiesWritten"));
    assertEquals(6, out.count("studiesUnchanged"));
    assertEquals(8, out.count("studies"));
    assertTrue(out.sopUidsInZip(uid("study-02")).contains(newSop));
    ManifestRow row = row(out, input.resolve("study-02/series-1/IM0099.dcm"));
    assertEquals(Outcome.ARCHIVED, row.outcome());
    assertEquals(uid("study-02"), row.study());
    checkAll(out);
  }

  @Test
  @Order(3)
  void aChangedFileADeletedFileAndATamperedArchiveRewriteTheirStudies() throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    byte[] study03 = Files.readAllBytes(last.zip(uid("study-03")));
    byte[] study05 = Files.readAllBytes(last.zip(uid("study-05")));
    Path touched = input.resolve("study-03/series-1/IM0002.dcm");
    Files.setLastModifiedTime(touched, FileTime.from(Files.getLastModifiedTime(touched).toInstant()
        .plusSeconds(3600)));
    Path deleted = input.resolve("study-04/series-1/IM0002.dcm");
    String deletedSop = sopUid(deleted);
    Files.delete(deleted);
    // The archive changed behind the index's back: a ZIP touched, a ZIP deleted. Both are written again.
    Path zip05 = last.zip(uid("study-05"));
    Files.setLastModifiedTime(zip05, FileTime.from(Instant.now().minusSeconds(86_400)));
    Files.delete(last.zip(uid("study-07")));

    MigrationOutput out = migrate(input, output);
    assertFirstLine(out, "Delta run: ");
    assertEquals(Set.of(uid("study-03"), uid("study-04"), uid("study-05"), uid("study-07")),
        written(before, stamps(out)));
    assertEquals(4, out.count("studiesWritten"));
    assertEquals(4, out.count("studiesUnchanged"));
    assertFalse(out.sopUidsInZip(uid("study-04")).contains(deletedSop), "the deleted file's instance is gone");
    assertTrue(out.rows().stream().noneMatch(r -> r.path().equals(deleted.toString())));
    // Written again from the same content: the same bytes (a touched file is read again, not changed).
    assertArrayEquals(study03, Files.readAllBytes(out.zip(uid("study-03"))));
    assertArrayEquals(study05, Files.readAllBytes(out.zip(uid("study-05"))));
    checkAll(out);
  }

  @Test
  @Order(4)
  void aSignedDecisionWritesOnlyTheStudyItReleases() throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    assertTrue(last.count("held") > 0);
    assertFalse(Files.exists(last.zip(uid("study-08"))), "the held study has no ZIP");
    List<String> template = Csv.records(Files.readString(output.resolve("reports/resolutions-template.csv")));
    assertEquals(2, template.size(), "header and the one blocking finding: " + template);
    List<String> signed = new ArrayList<>(List.of(template.get(0)));
    for (String r : template.subList(1, template.size())) {
      List<String> f = Csv.parseLine(r);
      signed.add(Csv.line(f.get(0), f.get(1), f.get(2), "Dr. A. Reviewer", "checked against the RIS", f.get(5)));
    }
    Path decisions = work.resolve("decisions.csv");
    Files.write(decisions, signed);

    MigrationOutput out = migrate(input, output, "--resolutions=" + decisions);
    assertFirstLine(out, "Delta run: ");
    assertEquals(0, out.count("held"));
    assertEquals(Set.of(uid("study-08")), written(before, stamps(out)));
    assertEquals(1, out.count("studiesWritten"));
    assertEquals(8, out.count("studiesUnchanged"));
    assertEquals(9, out.count("studies"));
    checkAll(out);
  }

  @Test
  @Order(5)
  void aStudyWhoseFilesAllVanishedKeepsItsZipAndIsReported() throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    String gone = uid("study-06");
    long zipBytes = Files.size(last.zip(gone));
    Files.move(input.resolve("study-06"), work.resolve("study-06.away"));

    MigrationOutput out = migrate(input, output, "--resolutions=" + work.resolve("decisions.csv"));
    assertFirstLine(out, "Delta run: ");
    assertEquals(before, stamps(out), "nothing written, the vanished study's ZIP kept as it was");
    assertEquals(0, out.count("studiesWritten"));
    assertEquals(1, out.count("studiesMissingFromSource"));
    assertEquals(List.of("study,archiveBytes", gone + "," + zipBytes), missingFromSource(out));
    assertTrue(out.rows().stream().noneMatch(r -> r.study().equals(gone)), "the manifest describes the source");
    assertTrue(out.console().contains("1 missing from source"), out.console());
    // studies and bytesOut count the archive of the source as it is; the kept ZIP is counted apart.
    assertEquals(out.zips().size(), out.count("studies") + 1);
    long zipBytesNow = 0;
    for (Path zip : out.zips()) {
      zipBytesNow += Files.size(zip);
    }
    assertEquals(zipBytesNow, out.count("bytesOut") + zipBytes);
    MigrationChecks.everyFileOnce(input, out);
    MigrationChecks.countsAddUpWithoutZips(out);
    // What verify says of a kept ZIP whose files are gone: printed, not asserted (the class comment says why).
    System.out.println("verify with a study missing from the source: exit " + verify(out));

    MigrationOutput again = migrate(input, output, "--resolutions=" + work.resolve("decisions.csv"));
    assertEquals(before, stamps(again));
    assertEquals(1, again.count("studiesMissingFromSource"), "still reported on the next run");
    assertEquals(List.of("study,archiveBytes", gone + "," + zipBytes), missingFromSource(again));
  }

  @Test
  @Order(6)
  void aVanishedStudyThatComesBackAsItWasIsLeftAsItIs() throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    Files.move(work.resolve("study-06.away"), input.resolve("study-06"));

    MigrationOutput out = migrate(input, output, "--resolutions=" + work.resolve("decisions.csv"));
    assertEquals(before, stamps(out));
    assertEquals(0, out.count("studiesMissingFromSource"));
    assertEquals(0, out.count("studiesWritten"));
    assertEquals(9, out.count("studiesUnchanged"));
    checkAll(out);
  }

  @Test
  @Order(7)
  void anUnchangedFileWhoseOutcomeANewFileChangesIsReportedAnewAndTheResultIsACleanRunsByteForByte()
      throws Exception {
    Map<String, ZipStamp> before = stamps(last);
    // An identical re-send at a path that sorts first: it is archived now, the unchanged original a duplicate.
    Path original = input.resolve("study-01/series-1/IM0002.dcm");
    Path resent = input.resolve("a-resent/IM0002.dcm");
    Files.createDirectories(resent.getParent());
    Files.copy(original, resent);

    String[] decided = {"--resolutions=" + work.resolve("decisions.csv")};
    MigrationOutput out = migrate(input, output, decided);
    assertEquals(Set.of(uid("study-01")), written(before, stamps(out)));
    assertEquals(Outcome.ARCHIVED, row(out, resent).outcome());
    ManifestRow duplicate = row(out, original);
    assertEquals(Outcome.DUPLICATE, duplicate.outcome());
    assertEquals("identical to " + resent, duplicate.reason());
    MigrationChecks.duplicatesNameTheKeptFile(out);
    checkAll(out);

    // Seven delta runs later, the archive and manifest a single full run of the source gives.
    MigrationOutput clean = migrate(input, work.resolve("clean-of-delta"), decided);
    MigrationChecks.sameArchives(clean, out);
  }

  // ---- outputs of their own ----

  /** A run killed half way (SIGKILL), then rerun: it resumes, and ends with the archive a clean run writes. */
  @Test
  void aRunKilledHalfWayResumesAndEndsWithTheSameZipsAsACleanRun() throws Exception {
    Path source = work.resolve("large");
    SamplePacs.generate(source, new SamplePacs.Plan(40, 1, 1, 3, 4, 0, 0, 0, 0, 0, 21L));
    MigrationOutput clean = migrate(source, work.resolve("clean"));
    assertEquals(40, clean.count("studies"));

    Path crashed = work.resolve("crashed");
    int atKill = killHalfWay(source, crashed, 20, null);
    assertTrue(atKill >= 20 && atKill < 40, "killed with " + atKill + " of 40 ZIPs written");
    assertFalse(Files.exists(crashed.resolve("index/committed")), "a killed run seals no index");

    MigrationOutput resumed = migrate(source, crashed);
    assertFirstLine(resumed, "Resuming the run of ");
    System.out.println("killed with " + atKill + " of 40 ZIPs written; the resumed run wrote "
        + resumed.count("studiesWritten") + " and left " + resumed.count("studiesUnchanged"));
    assertTrue(resumed.count("studiesUnchanged") > 0, "the ZIPs the killed run recorded are not written again");
    assertEquals(40, resumed.count("studiesUnchanged") + resumed.count("studiesWritten"));
    assertEquals(40, resumed.count("studies"));
    MigrationChecks.sameZips(clean, resumed);
    assertEquals(new HashSet<>(clean.rows()), new HashSet<>(resumed.rows()), "the same manifest");
    try (Stream<Path> s = Files.list(crashed.resolve("archive"))) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".zip")).toList(),
          "no partial files left in archive/");
    }
    checkAll(resumed, source);

    // Then a delta run killed half way: every source file touched, so every study is written again.
    FileTime touched = FileTime.from(Instant.now());
    try (Stream<Path> files = Files.walk(source)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, touched);
      }
    }
    FileTime started = FileTime.from(Instant.now());
    int rewrittenAtKill = killHalfWay(source, crashed, 20, started);
    assertTrue(rewrittenAtKill >= 20 && rewrittenAtKill < 40, "killed with " + rewrittenAtKill
        + " of 40 ZIPs written again");
    assertTrue(Files.exists(crashed.resolve("index/committed")), "the last complete run's seal stays");

    MigrationOutput again = migrate(source, crashed);
    assertFirstLine(again, "Delta run: ");
    assertTrue(again.console().lines().findFirst().orElseThrow().contains("; resuming the run of "),
        again.console());
    System.out.println("delta run killed with " + rewrittenAtKill + " of 40 ZIPs written again; the rerun wrote "
        + again.count("studiesWritten") + " and left " + again.count("studiesUnchanged"));
    assertTrue(again.count("studiesUnchanged") > 0, "what the killed delta run wrote is not written again");
    assertEquals(40, again.count("studiesUnchanged") + again.count("studiesWritten"));
    MigrationChecks.sameZips(clean, again);
    checkAll(again, source);
  }

  /**
   * The same files at another path are another source; a journal with a flipped byte is a corrupt index; {@code
   * --full} redoes everything. Each is a full run whose result verifies.
   */
  /**
   * A run that recorded a new file and stopped before it wrote the file's study: the next run takes the file from
   * the index, unchanged, and must not carry the study over as it was recorded before (without the file).
   */
  @Test
  void aFileRecordedByARunThatStoppedBeforeWritingItsStudyIsNotLostFromThatStudy() throws Exception {
    Path source = work.resolve("stopped");
    List<SamplePacs.GeneratedFile> files = SamplePacs.generate(source,
        new SamplePacs.Plan(3, 1, 1, 3, 3, 0, 0, 0, 0, 0, 0, 0, 31L));
    Path out = work.resolve("stopped-out");
    migrate(source, out);
    Path added = source.resolve("study-02/series-1/IM0099.dcm");
    String sop = copyAsNewInstance(source.resolve("study-02/series-1/IM0002.dcm"), added);
    String study = files.stream().filter(f -> f.path().startsWith(source.resolve("study-02"))).findFirst()
        .orElseThrow().studyUid();

    // What the stopped run left: its journal of the instances it read (the new file among them), no study
    // records and no seal. Made by a complete run into a copy, of which only that journal is kept.
    Path copy = work.resolve("stopped-copy");
    copyTree(out, copy);
    MigrationOutput complete = migrate(source, copy); // the copied ZIPs have new times: all are written again
    assertFirstLine(complete, "Delta run: ");
    try (Stream<Path> journals = Files.list(copy.resolve("index"))) {
      for (Path j : journals.filter(f -> f.getFileName().toString().contains("-instances-")).toList()) {
        Files.copy(j, out.resolve("index").resolve(j.getFileName()));
      }
    }

    MigrationOutput resumed = migrate(source, out);
    assertTrue(resumed.console().lines().findFirst().orElseThrow().contains("; resuming the run of "),
        resumed.console());
    assertEquals(Outcome.ARCHIVED, row(resumed, added).outcome());
    assertTrue(resumed.sopUidsInZip(study).contains(sop), "the new instance is in its study's ZIP");
    assertEquals(1, resumed.count("studiesWritten"));
    assertEquals(new HashSet<>(complete.rows()), new HashSet<>(resumed.rows()), "the same manifest");
    MigrationChecks.sameZips(complete, resumed);
    checkAll(resumed, source);
  }

  @Test
  void aForeignOrCorruptIndexOrFullGivesAFullRun() throws Exception {
    Path first = work.resolve("small-a");
    SamplePacs.generate(first, new SamplePacs.Plan(3, 1, 1, 2, 3, 0, 0, 0, 0, 0, 5L));
    Path moved = work.resolve("small-b");
    copyTree(first, moved);
    Path out = work.resolve("small-out");
    MigrationOutput a = migrate(first, out);
    assertFirstLine(a, "Full run: no index of an earlier run in ");
    Map<String, ZipStamp> afterA = stamps(a);

    MigrationOutput b = migrate(moved, out);
    assertFirstLine(b, "Full run: the index in " + out.resolve("index") + " is of another source ("
        + first.toRealPath() + ")");
    assertEquals(3, b.count("studiesWritten"));
    assertEquals(0, b.count("studiesUnchanged"));
    Map<String, ZipStamp> afterB = stamps(b);
    assertEquals(afterA.keySet(), written(afterA, afterB), "every ZIP written again");
    MigrationChecks.sameZips(a, b);
    checkAll(b, moved);

    Path journal;
    try (Stream<Path> s = Files.list(out.resolve("index"))) {
      journal = s.filter(p -> p.getFileName().toString().startsWith("journal-")).sorted().findFirst()
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(journal);
    bytes[bytes.length / 2] ^= 0x20;
    Files.write(journal, bytes);
    MigrationOutput corrupt = migrate(moved, out);
    assertFirstLine(corrupt, "Full run: the index in " + out.resolve("index") + " is corrupt (");
    assertEquals(3, corrupt.count("studiesWritten"));
    assertEquals(afterB.keySet(), written(afterB, stamps(corrupt)));
    checkAll(corrupt, moved);

    MigrationOutput delta = migrate(moved, out);
    assertFirstLine(delta, "Delta run: ");
    assertEquals(3, delta.count("studiesUnchanged"), "the corrupt index was replaced by a sound one");
    Map<String, ZipStamp> afterDelta = stamps(delta);

    MigrationOutput full = migrate(moved, out, "--full");
    assertFirstLine(full, "Full run: --full given; ");
    assertEquals(3, full.count("studiesWritten"));
    assertEquals(0, full.count("studiesUnchanged"));
    assertEquals(afterDelta.keySet(), written(afterDelta, stamps(full)));
    MigrationChecks.sameZips(a, full);
    checkAll(full, moved);

    MigrationOutput otherSettings = migrate(moved, out, "--maxInflationRatio=100");
    assertFirstLine(otherSettings, "Full run: the index in " + out.resolve("index") + " is of a run with other "
        + "settings (");
    assertEquals(3, otherSettings.count("studiesWritten"));
    checkAll(otherSettings, moved);
  }

  /** Steps 1 and 2 on embedded Flink. */
  @Test
  void onEmbeddedFlinkAnUnchangedRerunWritesNothingAndAnAdditionWritesItsStudies() throws Exception {
    Path source = work.resolve("flink-pacs");
    List<SamplePacs.GeneratedFile> files = SamplePacs.generate(source,
        new SamplePacs.Plan(4, 1, 2, 2, 4, 0, 0, 0, 0, 0, 13L));
    Path out = work.resolve("flink-out");
    String[] flink = {"--runner=FlinkRunner", "--flinkMaster=[local]"};
    MigrationOutput full = migrate(source, out, flink);
    assertFirstLine(full, "Full run: no index of an earlier run in ");
    assertEquals(4, full.count("studiesWritten"));
    Map<String, ZipStamp> afterFull = stamps(full);

    MigrationOutput again = migrate(source, out, flink);
    assertFirstLine(again, "Delta run: ");
    assertEquals(0, again.count("studiesWritten"));
    assertEquals(4, again.count("studiesUnchanged"));
    Map<String, ZipStamp> afterAgain = stamps(again);
    assertEquals(afterFull, afterAgain);
    checkAll(again, source);

    String study = files.stream().filter(f -> f.path().startsWith(source.resolve("study-01"))).findFirst()
        .orElseThrow().studyUid();
    String newStudy = SamplePacs.generate(source.resolve("incoming"),
        new SamplePacs.Plan(1, 1, 1, 3, 3, 0, 0, 0, 0, 0, 98L)).get(0).studyUid();
    String newSop = copyAsNewInstance(source.resolve("study-01/series-1/IM0002.dcm"),
        source.resolve("study-01/series-1/IM0099.dcm"));
    MigrationOutput added = migrate(source, out, flink);
    assertFirstLine(added, "Delta run: ");
    assertEquals(Set.of(study, newStudy), written(afterAgain, stamps(added)));
    assertEquals(2, added.count("studiesWritten"));
    assertEquals(3, added.count("studiesUnchanged"));
    assertTrue(added.sopUidsInZip(study).contains(newSop));
    checkAll(added, source);
  }

  // ---- helpers ----

  /** A ZIP as a file on disk: which file (device and inode) and when it was last written. */
  record ZipStamp(Object fileKey, FileTime modified, long size) {}

  @Test
  void onEmbeddedFlinkPassesOneAfterAnotherInOneJvmEachBuildOnTheOneBefore() throws Exception {
    Path source = work.resolve("flink-passes-pacs");
    SamplePacs.generate(source, new SamplePacs.Plan(3, 1, 1, 2, 3, 0, 0, 0, 0, 0, 17L));
    Path out = work.resolve("flink-passes-out");
    MigrationOutput passes = migrate(source, out, "--runner=FlinkRunner", "--flinkMaster=[local]", "--every=0s",
        "--passes=3");
    String console = passes.console();
    assertTrue(console.contains("Note: embedded Flink keeps each pass's job history in this JVM"), console);
    String[] each = console.substring(console.indexOf("\nPass 1 of 3 at ") + 1).split("(?m)^(?=Pass \\d of 3 at )");
    assertEquals(3, each.length, console);
    assertTrue(each[0].startsWith("Pass 1 of 3 at ") && each[0].contains("\nFull run: no index of an earlier run in "),
        each[0]);
    for (int i = 1; i < 3; i++) {
      assertTrue(each[i].contains("\nDelta run: ") && each[i].contains("\nDelta:    0 studies written, 3 left as they "
          + "were"), each[i]);
      assertTrue(each[i - 1].contains("\nNext pass now\n"), each[i - 1]);
    }
    assertTrue(console.endsWith("Stopped after 3 passes (--passes=3)\n"), console);
    assertEquals(0, passes.count("studiesWritten"));
    assertEquals(3, passes.count("studiesUnchanged"));
    checkAll(passes, source);
  }

  private MigrationOutput migrate(Path source, Path out, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--input=" + source, "--output=" + out));
    args.addAll(Arrays.asList(options));
    PipelineJar.Run run = PipelineJar.run(work.resolve("run-" + (++runs) + ".log"), RUN_TIMEOUT,
        args.toArray(String[]::new));
    System.out.printf("run %d (%s): %.1f s%n", runs, out.getFileName(), run.wall().toMillis() / 1000.0);
    MigrationOutput result = MigrationOutput.read(out, run.console());
    if (out.equals(output)) {
      last = result;
    }
    return result;
  }

  /**
   * Starts a run and kills its JVM (SIGKILL, with anything it started) once {@code zips} study ZIPs are in place
   * (written after {@code after}, when given); returns how many there were then.
   */
  private int killHalfWay(Path source, Path out, int zips, FileTime after) throws Exception {
    Path log = work.resolve("killed-" + (++runs) + ".log");
    Process process = new ProcessBuilder(PipelineJar.java().toString(), "-jar", PipelineJar.path().toString(),
        "--input=" + source, "--output=" + out).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        int n = zipCount(out, after);
        if (n >= zips) {
          List<ProcessHandle> children = process.descendants().toList();
          process.destroyForcibly();
          children.forEach(ProcessHandle::destroyForcibly);
          process.waitFor(20, TimeUnit.SECONDS);
          return Math.max(n, zipCount(out, after));
        }
        if (!process.isAlive()) {
          throw new AssertionError("the run ended (exit " + process.exitValue() + ") before " + zips
              + " ZIPs were seen; it printed:\n" + PipelineJar.tail(log));
        }
        Thread.sleep(5);
      }
      throw new AssertionError("no " + zips + " ZIPs in " + RUN_TIMEOUT + ":\n" + PipelineJar.tail(log));
    } finally {
      PipelineJar.stop(process, Duration.ofSeconds(5));
    }
  }

  /** The study ZIPs in place, or those modified after {@code after} when it is given. */
  private static int zipCount(Path out, FileTime after) throws IOException {
    Path archive = out.resolve("archive");
    if (!Files.isDirectory(archive)) {
      return 0;
    }
    int n = 0;
    try (Stream<Path> s = Files.list(archive)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        try {
          if (name.endsWith(".zip") && !name.startsWith(".")
              && (after == null || Files.getLastModifiedTime(p).compareTo(after) > 0)) {
            n++;
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // replaced while listed: counted on the next poll
        }
      }
    }
    return n;
  }

  private static void assertFirstLine(MigrationOutput out, String start) {
    String first = out.console().lines().findFirst().orElse("");
    assertTrue(first.startsWith(start), "the first line should start with '" + start + "': " + first);
  }

  private static Map<String, ZipStamp> stamps(MigrationOutput out) throws IOException {
    Map<String, ZipStamp> stamps = new TreeMap<>();
    for (Path zip : out.zips()) {
      BasicFileAttributes a = Files.readAttributes(zip, BasicFileAttributes.class);
      stamps.put(zip.getFileName().toString().replaceFirst("\\.zip$", ""),
          new ZipStamp(a.fileKey(), a.lastModifiedTime(), a.size()));
    }
    return stamps;
  }

  /** The studies whose ZIP is new or another file than before (or the same file written again). */
  private static Set<String> written(Map<String, ZipStamp> before, Map<String, ZipStamp> after) {
    assertTrue(after.keySet().containsAll(before.keySet()), "no ZIP removed: " + before.keySet() + " -> "
        + after.keySet());
    return after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey())))
        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
  }

  private String uid(String folder) {
    return uids.get(folder);
  }

  private void checkAll(MigrationOutput out) throws Exception {
    checkAll(out, input);
  }

  /** The end-to-end checks every run must pass, delta or not. */
  private static void checkAll(MigrationOutput out, Path source) throws Exception {
    MigrationChecks.everyFileOnce(source, out);
    MigrationChecks.countsAddUp(out);
    MigrationChecks.everyArchivedInstanceInItsZip(out);
    assertEquals(out.count("studies"), out.count("studiesWritten") + out.count("studiesUnchanged"));
    MigrationChecks.verifyPasses(out, source);
  }

  private int verify(MigrationOutput out) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Main.run(new String[] {"verify", "--archive=" + out.dir(), "--input=" + input}, console, console);
    System.out.println(bytes.toString(StandardCharsets.UTF_8));
    return code;
  }

  private static List<String> missingFromSource(MigrationOutput out) throws IOException {
    return Files.readAllLines(out.dir().resolve("reports/missing-from-source.csv"));
  }

  private static ManifestRow row(MigrationOutput out, Path file) {
    return out.rows().stream().filter(r -> r.path().equals(file.toString())).findFirst()
        .orElseThrow(() -> new AssertionError(file + " is not in the manifest"));
  }

  private static String sopUid(Path file) throws IOException {
    return new P10Reader().read(file).dataSet().asciiString(Tag.SOPInstanceUID);
  }

  /**
   * Copies a file as another instance of its study: its SOP Instance UID (in the file meta information and the
   * data set) replaced, byte for byte, by one of the same length. Returns the new UID.
   */
  private static String copyAsNewInstance(Path from, Path to) throws IOException {
    String sop = sopUid(from);
    char last = sop.charAt(sop.length() - 1);
    String other = sop.substring(0, sop.length() - 1) + (last == '9' ? '8' : (char) (last + 1));
    byte[] bytes = Files.readAllBytes(from);
    byte[] find = sop.getBytes(StandardCharsets.US_ASCII);
    byte[] with = other.getBytes(StandardCharsets.US_ASCII);
    int replaced = 0;
    for (int i = 0; i + find.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + find.length, find, 0, find.length)) {
        System.arraycopy(with, 0, bytes, i, with.length);
        replaced++;
      }
    }
    assertEquals(2, replaced, "the UID in the file meta information and in the data set");
    Files.write(to, bytes);
    assertEquals(other, sopUid(to));
    assertNotEquals(sop, other);
    return other;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
