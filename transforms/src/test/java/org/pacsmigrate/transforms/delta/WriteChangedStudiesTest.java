package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.io.StudyWriter;
import org.pacsmigrate.transforms.BeamTests;
import org.pacsmigrate.transforms.model.DedupedStudy;
import org.pacsmigrate.transforms.DeltaFixtures;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.WriteStudyArchives;
import org.pacsmigrate.transforms.model.PackedListCoder;

/**
 * Runs of the write step against the index of the run before, with real instances and ZIPs on disk: the prior is
 * read back with {@link ReadPriorRun} from the journals {@link PriorRun#find} picks after {@link IndexCommit}. A
 * delta run (not {@code full}) also reports, as {@link CarriedStudies} does, the studies gone from the source.
 */
class WriteChangedStudiesTest {
  /** Results leave the pipeline through a static queue: the Direct runner runs in this JVM. */
  private static final ConcurrentLinkedQueue<StudyResult> RESULTS = new ConcurrentLinkedQueue<>();
  private static final IndexIdentity ID = IndexIdentity.of("/pacs", "zip", 100, false, Set.of());

  @TempDir Path dir;
  private long clock = 1_700_000_000_000L;
  private ArchiveStore.Layout layout = ArchiveStore.Layout.ZIP;

  private Path out() {
    return dir.resolve("out");
  }

  private Path zip() {
    return out().resolve("archive/" + DeltaFixtures.STUDY + ".zip");
  }

  private static ReconciledStudy study(ParsedInstance... kept) {
    return new ReconciledStudy(new DedupedStudy(DeltaFixtures.STUDY, List.of(kept), List.of()), false, "",
        Map.of());
  }

  /** One run of the step, committed as a successful run is; the prior is what PriorRun finds. */
  private List<StudyResult> run(boolean full, ReconciledStudy... studies) throws Throwable {
    return run(full, true, studies);
  }

  private List<StudyResult> run(boolean full, boolean commit, ReconciledStudy... studies) throws Throwable {
    PriorRun priorRun = full ? PriorRun.full("test") : PriorRun.find(out().toString(), ID, false);
    if (!full) {
      assertFalse(priorRun.isFull(), priorRun.line());
    }
    RunIndex index = RunIndex.newRun(out().toString(), ID, clock += 60_000);
    RESULTS.clear();
    BeamTests.run(p -> {
      PCollection<ReconciledStudy> in = studies.length == 0 ? p.apply(Create.empty(ReconciledStudy.Coder.of()))
          : p.apply(Create.of(List.of(studies)).withCoder(ReconciledStudy.Coder.of()));
      PCollectionTuple prior = full ? null : p.apply(ReadPriorRun.from(priorRun.journals(), 1, 1));
      StudyWriter writer = DeltaFixtures.writer(out(), layout);
      PCollection<StudyResult> results = in.apply(WriteChangedStudies.with(writer,
          layout.name().toLowerCase(java.util.Locale.ROOT), index,
          full ? null : prior.get(ReadPriorRun.STUDIES)));
      if (!full) {
        // As in a delta run: the studies given were read now, no file is unchanged, and a study the index knows
        // that is not among them is gone from the source (CarriedStudies reports it).
        List<String> uids = new ArrayList<>();
        for (ReconciledStudy st : studies) {
          uids.add(st.studyUid());
        }
        PCollection<String> readNow = p.apply("ReadNow", Create.of(uids).withCoder(StringUtf8Coder.of()));
        PCollection<KV<Integer, List<RecordedInstance>>> noFiles = p.apply("NoFiles",
            Create.empty(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of()))));
        PCollection<StudyResult> missing = p.apply("NoneTouched", Create.empty(StringUtf8Coder.of()))
            .apply(CarriedStudies.from(prior, noFiles, readNow, writer.store(), index, 1))
            .get(CarriedStudies.RESULTS);
        results = PCollectionList.of(results).and(missing).apply(Flatten.pCollections());
      }
      results.apply(ParDo.of(new Collect()));
    });
    lastRun = index;
    if (commit) {
      IndexCommit.commit(index);
    }
    return new ArrayList<>(RESULTS);
  }

  private RunIndex lastRun;

  private static final class Collect extends DoFn<StudyResult, Void> {
    @ProcessElement
    public void process(@Element StudyResult r) {
      RESULTS.add(r);
    }
  }

  /** The study records the last run journaled. */
  private List<StudyRecord> recorded() throws IOException {
    List<StudyRecord> records = new ArrayList<>();
    for (IndexCommit.Sealed s : IndexCommit.read(RunIndex.folderOf(out().toString())).journals()) {
      assertEquals(IndexJournal.End.CLEAN, IndexJournal.read(Path.of(lastRun.folder(), s.name()), (kind, payload) -> {
        // Each archived study's manifest rows come just before its study record (for CarriedStudies).
        if (kind == RunIndex.STUDY) {
          records.add(StudyRecord.decode(payload));
        } else {
          assertEquals(RunIndex.ARCHIVED, kind);
        }
      }));
    }
    return records;
  }

  private ArchiveStamp stampOfZip() throws IOException {
    BasicFileAttributes a = Files.readAttributes(zip(), BasicFileAttributes.class);
    Instant t = a.lastModifiedTime().toInstant();
    return new ArchiveStamp(a.size(), t.getEpochSecond() * 1_000_000_000L + t.getNano());
  }

  private static StudyResult only(List<StudyResult> results) {
    assertEquals(1, results.size(), results.toString());
    return results.get(0);
  }

  private ParsedInstance instance(int n) throws IOException {
    return DeltaFixtures.instance(dir.resolve("in/" + n + ".dcm"), "1.2.3." + n, n);
  }

  @Test
  void aFullRunWritesEveryStudyAndJournalsWhatItWrote() throws Throwable {
    ParsedInstance a = instance(1);
    ReconciledStudy s = study(a);
    StudyResult r = only(run(true, s));
    assertEquals(StudyResult.State.WRITTEN, r.state());
    assertEquals(Files.size(zip()), r.zipBytes());
    assertEquals(List.of(new ManifestRow(a.path(), a.size(), Outcome.ARCHIVED, DeltaFixtures.STUDY, "")), r.rows());
    StudyRecord rec = only1(recorded());
    assertEquals(new StudyRecord(DeltaFixtures.STUDY, StudyFingerprint.of(s, "zip"), false, 1, r.zipBytes(),
        stampOfZip()), rec);
  }

  @Test
  void aStudyAsTheIndexRecordedItIsLeftAsItIs() throws Throwable {
    ParsedInstance a = instance(1);
    ParsedInstance b = instance(2);
    StudyResult first = only(run(true, study(a, b)));
    BasicFileAttributes before = Files.readAttributes(zip(), BasicFileAttributes.class);
    StudyRecord firstRecord = only1(recorded());

    StudyResult second = only(run(false, study(a, b)));
    assertEquals(StudyResult.State.UNCHANGED, second.state());
    assertTrue(second.archived() && !second.written());
    assertEquals(first.zipBytes(), second.zipBytes());
    assertEquals(first.rows(), second.rows());
    BasicFileAttributes after = Files.readAttributes(zip(), BasicFileAttributes.class);
    assertEquals(before.lastModifiedTime(), after.lastModifiedTime());
    assertEquals(before.fileKey(), after.fileKey()); // the same inode: not written again
    // Carried into this run's index, so the run after this one leaves it alone too.
    assertEquals(firstRecord, only1(recorded()));
    assertEquals(StudyResult.State.UNCHANGED, only(run(false, study(a, b))).state());
    assertEquals(before.fileKey(), Files.readAttributes(zip(), BasicFileAttributes.class).fileKey());
  }

  @Test
  void aStudyWhoseInputChangedIsWrittenAgain() throws Throwable {
    ParsedInstance a = instance(1);
    only(run(true, study(a)));
    byte[] one = Files.readAllBytes(zip());

    ParsedInstance b = instance(2);
    StudyResult r = only(run(false, study(a, b))); // an instance added
    assertEquals(StudyResult.State.WRITTEN, r.state());
    assertEquals(2, r.rows().size());
    assertFalse(java.util.Arrays.equals(one, Files.readAllBytes(zip())));
    assertEquals(new StudyRecord(DeltaFixtures.STUDY, StudyFingerprint.of(study(a, b), "zip"), false, 2,
        r.zipBytes(), stampOfZip()), only1(recorded()));

    // A file rewritten in place (another pixel value, another time): its record, so the fingerprint, differ.
    Path file = Path.of(a.path());
    ParsedInstance a2 = DeltaFixtures.instance(file, "1.2.3.1", 9);
    Files.setLastModifiedTime(file, FileTime.fromMillis(a.modified() + 5000));
    a2 = DeltaFixtures.parse(file);
    assertNotEquals(a, a2);
    assertEquals(StudyResult.State.WRITTEN, only(run(false, study(a2, b))).state());
    assertEquals(StudyResult.State.UNCHANGED, only(run(false, study(a2, b))).state());
  }

  @Test
  void aZipTouchedOrDeletedSinceIsWrittenAgain() throws Throwable {
    ParsedInstance a = instance(1);
    only(run(true, study(a)));
    byte[] written = Files.readAllBytes(zip());

    Files.setLastModifiedTime(zip(), FileTime.fromMillis(Files.getLastModifiedTime(zip()).toMillis() - 3_600_000));
    StudyResult r = only(run(false, study(a)));
    assertEquals(StudyResult.State.WRITTEN, r.state());
    assertArrayEquals(written, Files.readAllBytes(zip())); // deterministic
    assertEquals(stampOfZip(), only1(recorded()).stamp());

    Files.delete(zip());
    assertEquals(StudyResult.State.WRITTEN, only(run(false, study(a))).state());
    assertArrayEquals(written, Files.readAllBytes(zip()));

    // Replaced by other bytes (a hand-made file of another size).
    Files.write(zip(), new byte[] {'P', 'K'});
    assertEquals(StudyResult.State.WRITTEN, only(run(false, study(a))).state());
    assertArrayEquals(written, Files.readAllBytes(zip()));
  }

  @Test
  void aStudyGoneFromTheSourceIsReportedAndItsZipKeptWhileTheZipIsThere() throws Throwable {
    ParsedInstance a = instance(1);
    StudyResult first = only(run(true, study(a)));
    byte[] written = Files.readAllBytes(zip());

    StudyResult missing = only(run(false));
    assertEquals(new StudyResult(DeltaFixtures.STUDY, StudyResult.State.MISSING_FROM_SOURCE, first.zipBytes(),
        List.of()), missing);
    assertArrayEquals(written, Files.readAllBytes(zip())); // never deleted
    StudyRecord carried = only1(recorded());
    assertTrue(carried.missingFromSource());
    // Carried from run to run: the next run reports it again.
    assertEquals(StudyResult.State.MISSING_FROM_SOURCE, only(run(false)).state());
    // Back in the source, as it was: the archive is as it was written.
    assertEquals(StudyResult.State.UNCHANGED, only(run(false, study(a))).state());
    assertFalse(only1(recorded()).missingFromSource());

    // Gone from the source, and its ZIP gone too: nothing to report, nothing left in the index.
    Files.delete(zip());
    assertEquals(List.of(), run(false));
    assertEquals(List.of(), recorded());
  }

  @Test
  void aRunThatStoppedBeforeItsCommitIsResumedWithoutWritingItsStudiesAgain() throws Throwable {
    ParsedInstance a = instance(1);
    ParsedInstance b = instance(2);
    only(run(true, false, study(a, b))); // the job died after writing the study, before its commit
    BasicFileAttributes written = Files.readAttributes(zip(), BasicFileAttributes.class);
    assertEquals(PriorRun.Kind.RESUME, PriorRun.find(out().toString(), ID, false).kind());

    assertEquals(StudyResult.State.UNCHANGED, only(run(false, study(a, b))).state());
    assertEquals(written.fileKey(), Files.readAttributes(zip(), BasicFileAttributes.class).fileKey());
    assertEquals(written.lastModifiedTime(), Files.getLastModifiedTime(zip()));
    assertEquals(PriorRun.Kind.DELTA, PriorRun.find(out().toString(), ID, false).kind());
  }

  @Test
  void inTheTreeLayoutTheStudysMetadataStandsForItsArchive() throws Throwable {
    layout = ArchiveStore.Layout.TREE;
    Path metadata = out().resolve("archive").resolve(org.pacsmigrate.format.archive.ArchiveLayout.metadataPath(
        DeltaFixtures.STUDY));
    ParsedInstance a = instance(1);
    assertEquals(StudyResult.State.WRITTEN, only(run(true, study(a))).state());
    assertTrue(Files.isRegularFile(metadata), metadata.toString());
    assertFalse(Files.exists(zip()));
    Object inode = Files.readAttributes(metadata, BasicFileAttributes.class).fileKey();
    assertEquals(StudyResult.State.UNCHANGED, only(run(false, study(a))).state());
    assertEquals(inode, Files.readAttributes(metadata, BasicFileAttributes.class).fileKey());

    Files.setLastModifiedTime(metadata, FileTime.fromMillis(1000));
    assertEquals(StudyResult.State.WRITTEN, only(run(false, study(a))).state());
    assertEquals(StudyResult.State.MISSING_FROM_SOURCE, only(run(false)).state());
    Files.delete(metadata);
    assertEquals(List.of(), run(false));
  }

  @Test
  void aHeldStudyIsNotWrittenNorRecorded() throws Throwable {
    ParsedInstance a = instance(1);
    ReconciledStudy held = new ReconciledStudy(new DedupedStudy(DeltaFixtures.STUDY, List.of(a), List.of()), true,
        "waiting for review", Map.of());
    StudyResult r = only(run(true, held));
    assertEquals(StudyResult.State.NOT_WRITTEN, r.state());
    assertEquals(Outcome.HELD, r.rows().get(0).outcome());
    assertFalse(Files.exists(zip()));
    assertEquals(List.of(), recorded());
  }

  @Test
  void aDryRunKeepsNoIndex() {
    assertThrows(IllegalArgumentException.class, () -> WriteChangedStudies.with(WriteStudyArchives.dryRun()
        .writer(), "zip", RunIndex.newRun(out().toString(), ID, 1), null));
  }

  private static StudyRecord only1(List<StudyRecord> records) {
    assertEquals(1, records.size(), records.toString());
    return records.get(0);
  }
}
