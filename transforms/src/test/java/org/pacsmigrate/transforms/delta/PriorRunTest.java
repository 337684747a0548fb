package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IndexCommit} seals a run's index; {@link PriorRun#find} decides, from what it finds, what a run reuses. */
class PriorRunTest {
  private static final IndexIdentity ID = IndexIdentity.of("/pacs/source", "zip", 100, false, Set.of(0x00100010));
  private static final long T1 = 1_700_000_000_000L;
  private static final long T2 = T1 + 60_000;

  @TempDir Path dir;

  private String output() {
    return dir.resolve("out").toString();
  }

  private Path folder() {
    return RunIndex.folderOf(output());
  }

  private RunIndex run(IndexIdentity id, long started) {
    return RunIndex.newRun(output(), id, started);
  }

  /** A journal of the run with one record. */
  private static Path journal(RunIndex run, String part) throws IOException {
    try (IndexJournal.Writer w = run.openJournal(part)) {
      w.append(RunIndex.INSTANCE, part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try (Stream<Path> files = Files.list(Path.of(run.folder()))) {
      return files.filter(f -> RunIndex.isJournalOf(f, run.runId()) && f.toString().contains("-" + part + "-"))
          .findFirst().orElseThrow();
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static List<String> sorted(Path... files) {
    List<String> l = new ArrayList<>();
    for (Path f : files) {
      l.add(f.toString());
    }
    l.sort(null);
    return l;
  }

  private PriorRun find() {
    return PriorRun.find(output(), ID, false);
  }

  private static void assertFull(PriorRun p, String why) {
    assertEquals(PriorRun.Kind.FULL, p.kind(), p.line());
    assertTrue(p.isFull());
    assertEquals(List.of(), p.journals());
    assertTrue(p.line().startsWith("Full run: "), p.line());
    assertTrue(p.line().contains(why), p.line());
  }

  // --- IndexCommit

  @Test
  void commitSealsExactlyThisRunsJournalsAndDeletesTheOthers() throws Exception {
    RunIndex earlier = run(ID, T1);
    Path old = journal(earlier, "instances");
    RunIndex foreign = run(IndexIdentity.of("/elsewhere", "zip", 100, false, Set.of()), T1);
    Path foreignJournal = journal(foreign, "studies");
    RunIndex now = run(ID, T2);
    Path a = journal(now, "instances");
    Path b = journal(now, "studies");
    Files.writeString(folder().resolve("README.txt"), "not a journal");

    assertEquals(2, IndexCommit.commit(now));

    assertEquals(List.of(IndexCommit.FILE, "README.txt", a.getFileName().toString(), b.getFileName().toString())
        .stream().sorted().toList(), names(folder()));
    assertTrue(!Files.exists(old) && !Files.exists(foreignJournal));
    IndexCommit.Contents c = IndexCommit.read(folder());
    assertEquals(new IndexJournal.Header(ID, now.runId(), T2), c.header());
    List<IndexCommit.Sealed> expected = new ArrayList<>();
    for (Path f : List.of(a, b).stream().sorted().toList()) {
      expected.add(new IndexCommit.Sealed(f.getFileName().toString(), Files.size(f), IndexCommit.crc32c(f)));
    }
    assertEquals(expected, c.journals());
    assertTrue(!Files.exists(folder().resolve(IndexCommit.FILE + ".partial")));
  }

  @Test
  void aLaterCommitReplacesTheSealAndTheEarlierJournals() throws Exception {
    RunIndex first = run(ID, T1);
    Path a = journal(first, "instances");
    IndexCommit.commit(first);
    RunIndex second = run(ID, T2);
    Path b = journal(second, "instances");
    IndexCommit.commit(second);
    assertTrue(!Files.exists(a));
    assertEquals(second.runId(), IndexCommit.read(folder()).header().runId());
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    assertEquals(List.of(b.toString()), p.journals());
  }

  @Test
  void aRunWithoutJournalsCommitsAnEmptyIndex() throws Exception {
    assertEquals(0, IndexCommit.commit(run(ID, T1)));
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    assertEquals(List.of(), p.journals());
  }

  // --- PriorRun: full runs, each with its reason

  @Test
  void noIndexFolderIsAFullRun() {
    assertFull(find(), "no index of an earlier run in " + folder());
  }

  @Test
  void fullGivenIsAFullRunWhateverTheIndexSays() throws Exception {
    RunIndex r = run(ID, T1);
    journal(r, "instances");
    IndexCommit.commit(r);
    assertFull(PriorRun.find(output(), ID, true), "--full given");
  }

  @Test
  void anIndexOfAnotherSourceIsAFullRun() throws Exception {
    RunIndex r = run(IndexIdentity.of("/other/source", "zip", 100, false, Set.of(0x00100010)), T1);
    journal(r, "instances");
    IndexCommit.commit(r);
    assertFull(find(), "is of another source (/other/source)");
  }

  @Test
  void anIndexWrittenWithOtherSettingsIsAFullRun() throws Exception {
    IndexIdentity tree = IndexIdentity.of("/pacs/source", "tree", 100, false, Set.of(0x00100010));
    RunIndex r = run(tree, T1);
    journal(r, "instances");
    IndexCommit.commit(r);
    PriorRun p = find();
    assertFull(p, "is of a run with other settings (");
    assertTrue(p.line().contains("layout"), p.line()); // names the setting that differs
  }

  @Test
  void aSealedJournalThatIsMissingIsAFullRun() throws Exception {
    RunIndex r = run(ID, T1);
    Path j = journal(r, "instances");
    journal(r, "studies");
    IndexCommit.commit(r);
    Files.delete(j);
    assertFull(find(), "is corrupt (" + j.getFileName() + " is missing)");
  }

  @Test
  void aSealedJournalChangedInSizeOrContentIsAFullRun() throws Exception {
    RunIndex r = run(ID, T1);
    Path j = journal(r, "instances");
    IndexCommit.commit(r);
    byte[] sealed = Files.readAllBytes(j);

    Files.write(j, new byte[] {1}, StandardOpenOption.APPEND);
    assertFull(find(), "is corrupt (" + j.getFileName() + " has changed since it was written)");

    byte[] flipped = sealed.clone();
    flipped[flipped.length - 6] ^= 0x10; // same size
    Files.write(j, flipped);
    assertFull(find(), "is corrupt (" + j.getFileName() + " has changed since it was written)");

    Files.write(j, sealed);
    assertEquals(PriorRun.Kind.DELTA, find().kind());
  }

  @Test
  void anUnreadableSealIsAFullRun() throws Exception {
    RunIndex r = run(ID, T1);
    journal(r, "instances");
    IndexCommit.commit(r);
    Path seal = folder().resolve(IndexCommit.FILE);
    String good = Files.readString(seal);
    for (String bad : List.of("", "garbage\n", good.replace("started=", "started=x"),
        good + "journal=only-two-fields 12\n", good + "journal=a b c\n")) {
      Files.writeString(seal, bad);
      assertFull(find(), "the index in " + folder() + " is corrupt (");
    }
  }

  @Test
  void aSealNamingAFileOutsideTheJournalsIsAFullRun() throws Exception {
    RunIndex r = run(ID, T1);
    IndexCommit.commit(r);
    Path seal = folder().resolve(IndexCommit.FILE);
    Files.writeString(dir.resolve("out/secret.bin"), "x");
    Files.writeString(seal, Files.readString(seal) + "journal=../secret.bin 1 0\n");
    assertFull(find(), "is missing");
  }

  // --- PriorRun: delta and resumed runs

  @Test
  void aSealedIndexIsADeltaRunReadingItsJournals() throws Exception {
    RunIndex r = run(ID, T1);
    Path a = journal(r, "instances");
    Path b = journal(r, "studies");
    IndexCommit.commit(r);
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    assertEquals(sorted(a, b), p.journals());
    assertTrue(p.line().startsWith("Delta run: only files new or changed since the run of 2023-11-14T22:13:20Z"),
        p.line());
    assertTrue(!p.line().contains("resuming"), p.line());
  }

  @Test
  void aLaterRunThatStoppedBeforeItsEndIsReadAfterTheSealedOne() throws Exception {
    RunIndex sealedRun = run(ID, T1);
    Path a = journal(sealedRun, "instances");
    IndexCommit.commit(sealedRun);
    RunIndex stopped = run(ID, T2);
    Path b = journal(stopped, "instances");
    Path c = journal(stopped, "studies");
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    List<String> expected = new ArrayList<>(List.of(a.toString()));
    expected.addAll(sorted(b, c)); // read last, so its records win
    assertEquals(expected, p.journals());
    assertTrue(p.line().contains("resuming the run of 2023-11-14T22:14:20Z, which stopped before its end"),
        p.line());
  }

  @Test
  void unsealedJournalsOfARunNotLaterThanTheSealedOneAreNotRead() throws Exception {
    RunIndex sealedRun = run(ID, T2);
    Path a = journal(sealedRun, "instances");
    IndexCommit.commit(sealedRun);
    journal(run(ID, T1), "instances"); // older (a clock set back, a copy): its records may predate the seal's
    journal(run(ID, T2), "instances"); // the same start: not later
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    assertEquals(List.of(a.toString()), p.journals());
  }

  @Test
  void onlyUnsealedJournalsOfThisSourceAreAResumedRun() throws Exception {
    RunIndex stopped = run(ID, T2);
    Path a = journal(stopped, "instances");
    Path b = journal(stopped, "studies");
    PriorRun p = find();
    assertEquals(PriorRun.Kind.RESUME, p.kind(), p.line());
    assertEquals(sorted(a, b), p.journals());
    assertTrue(p.line().startsWith("Resuming the run of 2023-11-14T22:14:20Z, which stopped before its end"),
        p.line());
  }

  @Test
  void unsealedJournalsOfAnotherSourceOrSettingsAreIgnored() throws Exception {
    journal(run(IndexIdentity.of("/other", "zip", 100, false, Set.of(0x00100010)), T2), "instances");
    journal(run(IndexIdentity.of("/pacs/source", "zip", 99, false, Set.of(0x00100010)), T2), "instances");
    assertFull(find(), "no complete index of an earlier run of this source in " + folder());

    RunIndex sealedRun = run(ID, T1);
    Path a = journal(sealedRun, "instances");
    IndexCommit.commit(sealedRun); // deletes the foreign ones
    journal(run(IndexIdentity.of("/other", "zip", 100, false, Set.of(0x00100010)), T2), "instances");
    PriorRun p = find();
    assertEquals(PriorRun.Kind.DELTA, p.kind(), p.line());
    assertEquals(List.of(a.toString()), p.journals());
  }

  @Test
  void aJournalCutShortInItsHeaderIsIgnored() throws Exception {
    RunIndex stopped = run(ID, T2);
    Path a = journal(stopped, "instances");
    byte[] whole = Files.readAllBytes(a);
    Path cut = folder().resolve(RunIndex.JOURNAL_PREFIX + stopped.runId() + "-studies-cut" + RunIndex.JOURNAL_SUFFIX);
    Files.write(cut, java.util.Arrays.copyOf(whole, 20));
    Files.write(folder().resolve(RunIndex.JOURNAL_PREFIX + "empty" + RunIndex.JOURNAL_SUFFIX), new byte[0]);
    PriorRun p = find();
    assertEquals(PriorRun.Kind.RESUME, p.kind(), p.line());
    assertEquals(List.of(a.toString()), p.journals());
    Files.delete(a);
    assertFull(find(), "no complete index of an earlier run of this source");
  }

  @Test
  void expectedRecordsFollowsTheJournalsSize() throws Exception {
    RunIndex r = run(ID, T1);
    Path a = journal(r, "instances");
    try (IndexJournal.Writer w = IndexJournal.Writer.create(folder().resolve(RunIndex.JOURNAL_PREFIX + r.runId()
        + "-instances-big" + RunIndex.JOURNAL_SUFFIX), new IndexJournal.Header(ID, r.runId(), T1))) {
      for (int i = 0; i < 1000; i++) {
        w.append(RunIndex.INSTANCE, new byte[391]);
      }
    }
    IndexCommit.commit(r);
    PriorRun p = find();
    assertEquals(2, p.journals().size());
    assertTrue(p.journals().contains(a.toString()), p.journals().toString());
    long bytes = 0;
    for (String j : p.journals()) {
      bytes += Files.size(Path.of(j));
    }
    assertEquals(bytes / 400, p.expectedRecords());
    assertTrue(p.expectedRecords() >= 1000, "" + p.expectedRecords());
    assertEquals(0, PriorRun.full("x").expectedRecords());
  }
}
