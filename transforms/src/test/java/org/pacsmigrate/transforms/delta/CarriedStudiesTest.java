package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.BeamTests;
import org.pacsmigrate.transforms.DeltaFixtures;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.Level;
import org.pacsmigrate.transforms.reconcile.PatientSummary;
import org.pacsmigrate.transforms.reconcile.Severity;
import org.pacsmigrate.transforms.reconcile.StudyContext;
import org.pacsmigrate.transforms.model.PackedListCoder;

/**
 * Which studies a delta run carries over from the index, with journals written as runs write them and archives
 * on disk: only a study whose three records come from one run, that nothing touched and whose archive is as
 * recorded. Every other study's unchanged files go on to be grouped, so none is lost.
 */
class CarriedStudiesTest {
  private static final IndexIdentity ID = IndexIdentity.of("/pacs", "zip", 100, false, Set.of());
  private static final long T1 = 1_700_000_000_000L;
  private static final long T2 = T1 + 60_000;

  @TempDir Path dir;
  private ArchiveStore store;
  private ParsedInstance template;

  @BeforeEach
  void setUp() throws Exception {
    store = DeltaFixtures.writer(dir.resolve("out")).store();
    template = DeltaFixtures.instance(dir.resolve("t.dcm"), "1.2.3.4", 1);
  }

  private ParsedInstance file(String study) {
    return new ParsedInstance("/src/" + study + "/IM1.dcm", 100, 5000, study, template.seriesUid(),
        template.sopInstanceUid(), template.sopClassUid(), template.transferSyntaxUid(), template.attributeCount(),
        template.sourceAe(), template.reconciliationEncoding(), template.headerDigest());
  }

  private static StudyResult archived(String study) {
    return new StudyResult(study, StudyResult.State.WRITTEN, 1234, List.of(
        new ManifestRow("/src/" + study + "/IM1.dcm", 100, Outcome.ARCHIVED, study, ""),
        new ManifestRow("/src/" + study + "/IM1-copy.dcm", 100, Outcome.DUPLICATE, study, "same SOP Instance UID")));
  }

  private static CarriedReconciliation reconciled(String study) {
    Finding f = new Finding(study, Level.STUDY, "", "StudyDescription", 0x00081030, Severity.INFO,
        List.of(new Finding.ValueCount("CT HEAD", 1, List.of("/src/" + study + "/IM1.dcm"), List.of())),
        "CT HEAD", "most frequent", "", "", "");
    return new CarriedReconciliation(study, List.of(f),
        new PatientSummary("P-" + study, "", study, "DOE^JANE", "19700101", "F", 1, "/src/" + study + "/IM1.dcm"),
        new StudyContext(study, "DOE^JANE", "P-" + study, "19700101", "20200101", "A1", "CT", "CT HEAD", 1, 1,
            false));
  }

  /** The archive on disk and the study record as a run that wrote it would keep it. */
  private StudyRecord written(String study) throws Exception {
    Path zip = store.stampedFile(study);
    Files.createDirectories(zip.getParent());
    Files.write(zip, new byte[] {1, 2, 3});
    return new StudyRecord(study, new byte[32], false, 1, 3, ArchiveStamp.of(store, study));
  }

  private String journal(long run, List<KV<Byte, byte[]>> records) throws Exception {
    RunIndex index = new RunIndex(RunIndex.folderOf(dir.resolve("out").toString()).toString(), ID, "r" + run, run);
    try (IndexJournal.Writer w = index.openJournal("test")) {
      for (KV<Byte, byte[]> r : records) {
        w.append(r.getKey(), r.getValue());
      }
      w.flush();
    }
    try (var files = Files.list(Path.of(index.folder()))) {
      return files.filter(f -> RunIndex.isJournalOf(f, "r" + run)).findFirst().orElseThrow().toString();
    }
  }

  private static List<KV<Byte, byte[]>> allThree(StudyRecord s, StudyResult a, CarriedReconciliation r) {
    return List.of(KV.of(RunIndex.RECONCILED, r.encode()), KV.of(RunIndex.ARCHIVED, CarriedStudies.encode(a)),
        KV.of(RunIndex.STUDY, s.encode()));
  }

  @Test
  void onlyAStudyRecordedWholeByOneRunUntouchedAndWithItsArchiveAsRecordedIsCarriedOver() throws Throwable {
    List<String> all = List.of("1.1", "1.2", "1.3", "1.4", "1.5", "1.6");
    List<KV<Byte, byte[]>> run1 = new ArrayList<>();
    for (String study : all) {
      run1.addAll(allThree(written(study), archived(study), reconciled(study)));
    }
    // 1.3: reconciled again by a later run that stopped before writing it.
    List<KV<Byte, byte[]>> run2 = new ArrayList<>(List.of(KV.of(RunIndex.RECONCILED, reconciled("1.3").encode())));
    // 1.5: all its files vanished in a later run, which reported it missing from the source.
    run2.add(KV.of(RunIndex.STUDY, written("1.5").asMissingFromSource().encode()));
    List<String> journals = List.of(journal(T1, run1), journal(T2, run2));
    // 1.4: its archive was changed since it was recorded.
    Path zip4 = store.stampedFile("1.4");
    Files.write(zip4, new byte[] {9, 9, 9, 9});
    Files.setLastModifiedTime(zip4, FileTime.fromMillis(T2));

    RunIndex now = RunIndex.newRun(dir.resolve("out").toString(), ID, T2 + 60_000);
    int buckets = 5;
    List<KV<String, ParsedInstance>> unchanged = new ArrayList<>();
    List<KV<Integer, List<RecordedInstance>>> batches = new ArrayList<>();
    for (String study : all) {
      unchanged.add(KV.of(study, file(study)));
      // 1.6: its file was recorded by a later run than the study's records (one that stopped before writing it).
      batches.add(KV.of(CarriedStudies.bucket(study, buckets),
          List.of(RecordedInstance.of(study.equals("1.6") ? T2 : T1, file(study)))));
    }
    StudyResult carried = new StudyResult("1.1", StudyResult.State.UNCHANGED, 1234, archived("1.1").rows());
    BeamTests.run(p -> {
      PCollectionTuple prior = p.apply(ReadPriorRun.from(journals, 1, 5));
      PCollection<KV<Integer, List<RecordedInstance>>> files = p.apply("Unchanged", Create.of(batches)
          .withCoder(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of()))));
      // 1.2: a file read now belongs to it.
      PCollection<String> readNow = p.apply("ReadNow", Create.of(List.of("1.2", "1.9")).withCoder(
          StringUtf8Coder.of()));
      PCollectionTuple out = p.apply("Touched", Create.empty(StringUtf8Coder.of()))
          .apply(CarriedStudies.from(prior, files, readNow, store, now, buckets));
      PAssert.that(out.get(CarriedStudies.TO_GROUP)).containsInAnyOrder(unchanged.subList(1, 6));
      PAssert.that(out.get(CarriedStudies.RESULTS)).containsInAnyOrder(carried);
      PAssert.that(out.get(CarriedStudies.RECONCILIATIONS)).containsInAnyOrder(reconciled("1.1"));
    });

    // This run's index holds the carried study's three records, so the next run can carry it again.
    List<Byte> kinds = new ArrayList<>();
    try (var files = Files.list(Path.of(now.folder()))) {
      for (Path f : files.filter(f -> RunIndex.isJournalOf(f, now.runId())).toList()) {
        IndexJournal.read(f, (kind, payload) -> kinds.add(kind));
      }
    }
    assertEquals(List.of(RunIndex.RECONCILED, RunIndex.ARCHIVED, RunIndex.STUDY), kinds);
  }

  @Test
  void aKnownStudyWithNoFileInTheSourceIsReportedMissingWhileItsArchiveIsAsRecorded() throws Throwable {
    // 2.1: its files are gone (touched); 2.2: its files changed and were read now; 2.3: gone, and its archive
    // too; 2.4: reported missing by the run before, still gone.
    List<KV<Byte, byte[]>> run1 = new ArrayList<>();
    StudyRecord gone = written("2.1");
    run1.addAll(allThree(gone, archived("2.1"), reconciled("2.1")));
    for (String study : List.of("2.2", "2.3")) {
      run1.addAll(allThree(written(study), archived(study), reconciled(study)));
    }
    Files.delete(store.stampedFile("2.3"));
    StudyRecord stillGone = written("2.4");
    List<String> journals = List.of(journal(T1, run1),
        journal(T2, List.of(KV.of(RunIndex.STUDY, stillGone.asMissingFromSource().encode()))));

    RunIndex now = RunIndex.newRun(dir.resolve("out").toString(), ID, T2 + 60_000);
    BeamTests.run(p -> {
      PCollectionTuple prior = p.apply(ReadPriorRun.from(journals, 1, 3));
      PCollection<KV<Integer, List<RecordedInstance>>> none = p.apply("Unchanged",
          Create.empty(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of()))));
      PCollection<String> readNow = p.apply("ReadNow", Create.of(List.of("2.2")).withCoder(StringUtf8Coder.of()));
      PCollectionTuple out = p.apply("Touched", Create.of(List.of("2.1", "2.2")).withCoder(StringUtf8Coder.of()))
          .apply(CarriedStudies.from(prior, none, readNow, store, now, 3));
      PAssert.that(out.get(CarriedStudies.RESULTS)).containsInAnyOrder(
          new StudyResult("2.1", StudyResult.State.MISSING_FROM_SOURCE, 3, List.of()),
          new StudyResult("2.4", StudyResult.State.MISSING_FROM_SOURCE, 3, List.of()));
      PAssert.that(out.get(CarriedStudies.TO_GROUP)).empty();
      PAssert.that(out.get(CarriedStudies.RECONCILIATIONS)).empty();
    });

    // Recorded as missing, so the next run reports them again; the archive is never deleted.
    List<StudyRecord> recorded = new ArrayList<>();
    try (var files = Files.list(Path.of(now.folder()))) {
      for (Path f : files.filter(f -> RunIndex.isJournalOf(f, now.runId())).toList()) {
        IndexJournal.read(f, (kind, payload) -> recorded.add(StudyRecord.decode(payload)));
      }
    }
    recorded.sort(java.util.Comparator.comparing(StudyRecord::studyUid));
    assertEquals(List.of(gone.asMissingFromSource(), stillGone.asMissingFromSource()), recorded);
    assertEquals(true, Files.exists(store.stampedFile("2.1")));
  }

  @Test
  void theRunWhoseRecordsCanBeCarriedIsTheOneThatMadeAllThree() {
    assertEquals(-1, CarriedStudies.recordedRun(null));
    assertEquals(-1, CarriedStudies.recordedRun(List.of()));
    assertEquals(T1, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN), KV.of(T1, CarriedStudies.RECONCILED))));
    // Each kind's latest record decides; an older run's records do not matter.
    assertEquals(T2, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN), KV.of(T1, CarriedStudies.RECONCILED), KV.of(T2, CarriedStudies.WRITTEN),
        KV.of(T2, CarriedStudies.RECONCILED), KV.of(T2, CarriedStudies.ARCHIVED))));
    // Reconciled again later but not written (a run that stopped between): not carried.
    assertEquals(-1, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN), KV.of(T1, CarriedStudies.RECONCILED), KV.of(T2, CarriedStudies.RECONCILED))));
    // Missing from the source since: not carried.
    assertEquals(-1, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN), KV.of(T1, CarriedStudies.RECONCILED), KV.of(T2, CarriedStudies.MISSING))));
    // Never reconciled (held, or an index of an older version): not carried.
    assertEquals(-1, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN))));
    // A kind this version does not know: not carried.
    assertEquals(-1, CarriedStudies.recordedRun(List.of(KV.of(T1, CarriedStudies.ARCHIVED),
        KV.of(T1, CarriedStudies.WRITTEN), KV.of(T1, CarriedStudies.RECONCILED), KV.of(T1, 99))));
  }
}
