package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.io.OutputWriteException;

class IndexJournalTest {
  private static final IndexIdentity IDENTITY = IndexIdentity.of("/pacs/source", "zip", 100, false,
      Set.of(0x00100010, 0x00100020));
  private static final IndexJournal.Header HEADER = new IndexJournal.Header(IDENTITY, "run1", 1_700_000_000_123L);

  @TempDir Path dir;

  private record Rec(byte kind, byte[] payload) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Rec r && kind == r.kind && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
      return kind + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return kind + ":" + payload.length + "B";
    }
  }

  private static final List<Rec> RECORDS = List.of(
      new Rec(RunIndex.INSTANCE, "first".getBytes(StandardCharsets.UTF_8)),
      new Rec(RunIndex.STUDY, new byte[0]),
      new Rec(RunIndex.INSTANCE, bytes(300, 7)),
      new Rec((byte) 0xFF, bytes(1000, 11)));

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * seed + 3);
    }
    return b;
  }

  private Path write(String name, List<Rec> records) throws IOException {
    Path file = dir.resolve(name);
    try (IndexJournal.Writer w = IndexJournal.Writer.create(file, HEADER)) {
      for (Rec r : records) {
        w.append(r.kind(), r.payload());
      }
    }
    return file;
  }

  private record Read(List<Rec> records, IndexJournal.End end) {}

  private static Read read(Path file) throws IOException {
    List<Rec> got = new ArrayList<>();
    IndexJournal.End end = IndexJournal.read(file, (kind, payload) -> got.add(new Rec(kind, payload)));
    return new Read(got, end);
  }

  /** Where each record starts, and the end of the file. */
  private static long[] recordStarts(Path file, List<Rec> records) throws IOException {
    long[] starts = new long[records.size() + 1];
    long end = Files.size(file);
    long total = 0;
    for (Rec r : records) {
      total += 1 + 4 + r.payload().length + 4;
    }
    starts[0] = end - total;
    for (int i = 0; i < records.size(); i++) {
      starts[i + 1] = starts[i] + 1 + 4 + records.get(i).payload().length + 4;
    }
    return starts;
  }

  @Test
  void recordsAndHeaderRoundTrip() throws Exception {
    Path file = write("j.bin", RECORDS);
    Read r = read(file);
    assertEquals(IndexJournal.End.CLEAN, r.end());
    assertEquals(RECORDS, r.records());
    assertEquals(HEADER, IndexJournal.readHeader(file));
  }

  @Test
  void anEmptyJournalIsCleanAndARecordOfTheLargestSizeIsRead() throws Exception {
    assertEquals(new Read(List.of(), IndexJournal.End.CLEAN), read(write("empty.bin", List.of())));
    List<Rec> big = List.of(new Rec(RunIndex.STUDY, bytes(IndexJournal.MAX_RECORD, 5)));
    assertEquals(new Read(big, IndexJournal.End.CLEAN), read(write("big.bin", big)));
  }

  @Test
  void flushHandsRecordsToTheFileBeforeClose() throws Exception {
    Path file = dir.resolve("open.bin");
    try (IndexJournal.Writer w = IndexJournal.Writer.create(file, HEADER)) {
      w.append(RunIndex.INSTANCE, RECORDS.get(0).payload());
      assertTrue(w.pendingBytes() > 0);
      w.flush();
      assertEquals(0, w.pendingBytes());
      // A JVM killed here leaves this: readable as it stands.
      assertEquals(new Read(RECORDS.subList(0, 1), IndexJournal.End.CLEAN), read(file));
      w.append(RunIndex.INSTANCE, RECORDS.get(2).payload());
      assertEquals(new Read(RECORDS.subList(0, 1), IndexJournal.End.CLEAN), read(file)); // not flushed yet
    }
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    Path file = write("j.bin", RECORDS);
    byte[] before = Files.readAllBytes(file);
    OutputWriteException e = assertThrows(OutputWriteException.class, () -> IndexJournal.Writer.create(file, HEADER));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void aTornLastRecordLeavesTheEarlierOnesReadableAtEveryCut() throws Exception {
    Path file = write("j.bin", RECORDS);
    byte[] all = Files.readAllBytes(file);
    long[] starts = recordStarts(file, RECORDS);
    int last = RECORDS.size() - 1;
    Path cut = dir.resolve("cut.bin");
    for (long length = starts[last] + 1; length < all.length; length++) {
      Files.write(cut, Arrays.copyOf(all, (int) length));
      assertEquals(new Read(RECORDS.subList(0, last), IndexJournal.End.TORN), read(cut), "cut at " + length);
    }
    // Cut exactly between two records: what is there is clean.
    Files.write(cut, Arrays.copyOf(all, (int) starts[last]));
    assertEquals(new Read(RECORDS.subList(0, last), IndexJournal.End.CLEAN), read(cut));
  }

  @Test
  void aFlippedByteInAPayloadIsCorruptAndNothingAfterItIsRead() throws Exception {
    Path file = write("j.bin", RECORDS);
    byte[] all = Files.readAllBytes(file);
    long[] starts = recordStarts(file, RECORDS);
    int payloadOfThird = (int) starts[2] + 5;
    for (int at : new int[] {payloadOfThird, payloadOfThird + 150, payloadOfThird + 299}) {
      byte[] bad = all.clone();
      bad[at] ^= 0x01;
      Files.write(file, bad);
      assertEquals(new Read(RECORDS.subList(0, 2), IndexJournal.End.CORRUPT), read(file), "flipped at " + at);
    }
    // The kind byte and the checksum are covered too.
    for (int at : new int[] {(int) starts[2], (int) starts[3] - 1}) {
      byte[] bad = all.clone();
      bad[at] ^= 0x40;
      Files.write(file, bad);
      assertEquals(new Read(RECORDS.subList(0, 2), IndexJournal.End.CORRUPT), read(file), "flipped at " + at);
    }
  }

  @Test
  void aLyingLengthIsCorruptWithoutBeingAllocated() throws Exception {
    for (int length : new int[] {Integer.MAX_VALUE, IndexJournal.MAX_RECORD + 1, -1, Integer.MIN_VALUE}) {
      Path file = write("lie" + length + ".bin", RECORDS.subList(0, 1));
      byte[] lie = new byte[1 + 4 + 8];
      lie[0] = RunIndex.INSTANCE;
      System.arraycopy(IndexJournal.int32(length), 0, lie, 1, 4);
      Files.write(file, lie, java.nio.file.StandardOpenOption.APPEND);
      // MAX_RECORD + 1 would read as torn had it been allocated; MAX_VALUE would not fit in any heap.
      assertEquals(new Read(RECORDS.subList(0, 1), IndexJournal.End.CORRUPT), read(file), "length " + length);
    }
  }

  @Test
  void aFileThatIsNotAJournalIsAnErrorNamingIt() throws Exception {
    byte[] good = Files.readAllBytes(write("good.bin", RECORDS));
    byte[] badMagic = good.clone();
    badMagic[0] = 'X';
    Path notJournal = dir.resolve("journal-x-instances-y.bin");
    Files.write(notJournal, badMagic);
    for (IoCall call : List.<IoCall>of(() -> IndexJournal.readHeader(notJournal),
        () -> IndexJournal.read(notJournal, (k, p) -> { }))) {
      IOException e = assertThrows(IOException.class, call::run);
      assertTrue(e.getMessage().contains(notJournal.toString()), e.getMessage());
    }
    // Cut short at every length within the header.
    int headerEnd = good.length - (int) RECORDS.stream().mapToLong(r -> 9 + r.payload().length).sum();
    for (int length = 0; length < headerEnd; length++) {
      Files.write(notJournal, Arrays.copyOf(good, length));
      IOException e = assertThrows(IOException.class, () -> IndexJournal.readHeader(notJournal), "cut at " + length);
      assertTrue(e.getMessage().contains(notJournal.toString()), e.getMessage());
    }
    // A header length no header has.
    byte[] lying = good.clone();
    System.arraycopy(IndexJournal.int32(Integer.MAX_VALUE), 0, lying, IndexJournal.MAGIC.length, 4);
    Files.write(notJournal, lying);
    IOException e = assertThrows(IOException.class, () -> IndexJournal.readHeader(notJournal));
    assertTrue(e.getMessage().contains(notJournal.toString()), e.getMessage());
  }

  @Test
  void aHeaderWithoutItsFieldsOrWithABadStartTimeIsAnError() {
    assertThrows(IOException.class, () -> IndexJournal.parseHeader("source=a\nsettings=b\nrun=c\n", "f"));
    IOException e = assertThrows(IOException.class,
        () -> IndexJournal.parseHeader("source=a\nsettings=b\nrun=c\nstarted=soon\n", "f"));
    assertTrue(e.getMessage().startsWith("f: "), e.getMessage());
  }

  @Test
  void aSourceWithPercentSignsAndLineBreaksSurvivesInTheHeader() throws Exception {
    String[] sources = {"/pacs/100%/a", "/pacs/a\nsettings=evil", "/pacs/a\r\nb", "/pacs/a%0Ab", "/pacs/a=b"};
    List<String> escaped = new ArrayList<>();
    for (String source : sources) {
      IndexIdentity id = IndexIdentity.of(source, "ZIP", 100, true, Set.of());
      assertTrue(!id.source().contains("\n") && !id.source().contains("\r"), id.source());
      Path file = dir.resolve("h" + escaped.size() + ".bin");
      IndexJournal.Writer.create(file, new IndexJournal.Header(id, "r", 5)).close();
      assertEquals(new IndexJournal.Header(id, "r", 5), IndexJournal.readHeader(file), source);
      escaped.add(id.source());
    }
    // Two sources never share an escaped form: "a\nb" and "a%0Ab" are different sources.
    assertEquals(escaped.size(), Set.copyOf(escaped).size(), escaped.toString());
    assertEquals("/pacs/100%25/a", escaped.get(0));
    assertNotEquals(escaped.get(1), "/pacs/a");
  }

  @Test
  void theIdentityNamesEverySettingAndTheRecordedTagsInOrder() {
    IndexIdentity a = IndexIdentity.of("/s", "ZIP", 100, false, Set.of(0x00100020, 0x00100010));
    IndexIdentity b = IndexIdentity.of("/s", "zip", 100, false, new java.util.TreeSet<>(Set.of(0x00100010,
        0x00100020)));
    assertEquals(a, b);
    assertEquals("generation=" + IndexIdentity.GENERATION + ";layout=zip;maxInflationRatio=100;followLinks=false;"
        + "recorded=00100010,00100020", a.settings());
    assertNotEquals(a, IndexIdentity.of("/s", "tree", 100, false, Set.of(0x00100020, 0x00100010)));
    assertNotEquals(a, IndexIdentity.of("/s", "zip", 50, false, Set.of(0x00100020, 0x00100010)));
    assertNotEquals(a, IndexIdentity.of("/s", "zip", 100, true, Set.of(0x00100020, 0x00100010)));
    assertNotEquals(a, IndexIdentity.of("/s", "zip", 100, false, Set.of(0x00100020)));
  }

  private interface IoCall {
    void run() throws IOException;
  }
}
