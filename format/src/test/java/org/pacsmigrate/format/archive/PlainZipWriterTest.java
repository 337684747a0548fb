package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.corpus.Corpus;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.io.ChannelSink;
import org.pacsmigrate.format.io.OutputChannel;
import org.pacsmigrate.format.p10.DicomParseException;

/**
 * The plain writer against the reference it replaces: for the same entries, the bytes commons-compress writes
 * ({@link StoredZipWriter} without a plan), byte for byte; and whole study archives, generated and from the
 * corpus, written both ways.
 */
class PlainZipWriterTest {
  @TempDir
  Path dir;

  /** One entry to write: a name and its data, written as a body would (by chunks, by byte, from a file). */
  private record Entry(String name, byte[] data, String how) {}

  private Path source;

  private byte[] write(List<Entry> entries, boolean plain, long[] length) throws IOException {
    Path zip = Files.createTempFile(dir, plain ? "plain" : "commons", ".zip");
    StoredZipWriter.Plan plan = new StoredZipWriter.Plan();
    entries.forEach(e -> plan.add(e.name(), e.data().length));
    assertEquals(true, plan.fitsPlainZip());
    try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE, StandardOpenOption.READ);
        StoredZipWriter w = plain ? new StoredZipWriter(ch, plan) : new StoredZipWriter(ch)) {
      for (Entry e : entries) {
        w.entry(e.name(), e.data().length, o -> body(e, o));
      }
      length[0] = w.finish();
    }
    return Files.readAllBytes(zip);
  }

  private void body(Entry e, OutputStream o) throws IOException {
    byte[] d = e.data();
    switch (e.how()) {
      case "bytes" -> {
        for (byte b : d) {
          o.write(b);
        }
      }
      case "chunks" -> {
        for (int off = 0; off < d.length; off += 70_001) {
          o.write(d, off, Math.min(70_001, d.length - off));
        }
      }
      case "file" -> {
        Files.write(source, d);
        try (FileChannel in = FileChannel.open(source)) {
          if (o instanceof ChannelSink sink) {
            assertEquals(d.length, sink.transferFrom(in, 0, d.length));
          } else {
            o.write(Files.readAllBytes(source));
          }
        }
      }
      default -> o.write(d);
    }
  }

  private void assertSameBytes(List<Entry> entries) throws IOException {
    source = dir.resolve("source.bin");
    long[] commonsLength = {0};
    long[] plainLength = {0};
    byte[] commons = write(entries, false, commonsLength);
    byte[] plain = write(entries, true, plainLength);
    assertArrayEquals(commons, plain);
    assertEquals(commonsLength[0], plainLength[0]);
    assertEquals(commons.length, plainLength[0]);
  }

  @Test
  void noEntries() throws IOException {
    assertSameBytes(List.of());
  }

  @Test
  void emptyAndSmallEntries() throws IOException {
    assertSameBytes(List.of(new Entry("studies/1/metadata", new byte[0], "whole"),
        new Entry("a", new byte[] {7}, "bytes"), new Entry("studies/1/series/2/instances/3/frames/1",
            TestFiles.pattern(1000, 1), "file")));
  }

  @Test
  void entriesLargerThanTheBufferAndAcrossItsEdges() throws IOException {
    int b = PlainZipWriter.BUFFER_SIZE;
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry("studies/1/metadata", TestFiles.pattern(b - 40, 2), "whole")); // header spills over
    entries.add(new Entry("studies/1/series/2/instances/3/frames/1", TestFiles.pattern(3 * b + 17, 3), "file"));
    entries.add(new Entry("studies/1/series/2/instances/3/frames/2", TestFiles.pattern(2 * b, 4), "chunks"));
    for (int i = 3; i < 40; i++) {
      entries.add(new Entry("studies/1/series/2/instances/3/frames/" + i, TestFiles.pattern(b / 7 + i, i), "file"));
    }
    entries.add(new Entry("studies/1/series/2/instances/3/bulkdata/00091050", TestFiles.pattern(5, 9), "bytes"));
    assertSameBytes(entries);
  }

  @Test
  void manyEntriesUpToThePlainLimit() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < PlainZipWriter.MAX_ENTRIES; i++) {
      entries.add(new Entry("f/" + i, new byte[] {(byte) i}, "whole"));
    }
    assertSameBytes(entries);
  }

  @Test
  void planSendsZip64AndUnusualNamesToCommonsCompress() {
    assertTrue(new StoredZipWriter.Plan().add("a", PlainZipWriter.MAX_LENGTH - 1000).fitsPlainZip());
    assertFalse(new StoredZipWriter.Plan().add("a", 0xFFFFFFFFL).fitsPlainZip());
    assertFalse(new StoredZipWriter.Plan().add("a", 3L << 30).add("b", 2L << 30).fitsPlainZip());
    assertFalse(new StoredZipWriter.Plan().add("bulkdata/\u00e4", 1).fitsPlainZip());
    assertFalse(new StoredZipWriter.Plan().add("a\\b", 1).fitsPlainZip());
    assertFalse(new StoredZipWriter.Plan().add("", 1).fitsPlainZip());
    StoredZipWriter.Plan many = new StoredZipWriter.Plan();
    for (int i = 0; i < PlainZipWriter.MAX_ENTRIES; i++) {
      many.add("f" + i, 0);
    }
    assertTrue(many.fitsPlainZip());
    assertFalse(many.add("one more", 0).fitsPlainZip()); // 65535 entries: commons-compress writes ZIP64 records
  }

  @Test
  void anEntryMustBeExactlyItsAnnouncedLength() throws IOException {
    for (int written : new int[] {3, 5}) {
      Path zip = dir.resolve("short" + written + ".zip");
      try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          PlainZipWriter w = new PlainZipWriter(ch)) {
        IOException e = assertThrows(IOException.class, () -> w.entry("x", 4, o -> o.write(new byte[written])));
        assertTrue(e.getMessage().startsWith("x: "), e.getMessage());
      }
    }
  }

  @Test
  void aSourceThatEndsEarlyIsCopiedOnlyAsFarAsItGoes() throws IOException {
    Path file = dir.resolve("short.bin");
    Files.write(file, TestFiles.pattern(100, 5));
    try (FileChannel ch = FileChannel.open(dir.resolve("z.zip"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        PlainZipWriter w = new PlainZipWriter(ch);
        FileChannel in = FileChannel.open(file)) {
      IOException e = assertThrows(IOException.class, () -> w.entry("x", 150, o -> {
        assertEquals(60, ((ChannelSink) o).transferFrom(in, 40, 150));
      }));
      assertTrue(e.getMessage().contains("60 bytes written of the 150"), e.getMessage());
    }
  }

  @Test
  void aFrameTruncatedSinceItWasParsedIsTheSourcesFailure() throws IOException {
    List<ArchiveInstance> instances = GeneratedStudy.write(dir);
    // Cut every source short after its header was read: the frames' ranges now lie past their ends.
    for (ArchiveInstance i : instances) {
      Path file = Path.of(i.file().source());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(Math.max(0, ch.size() - 7));
      }
    }
    Path zip = dir.resolve("out").resolve("2.25.1000.zip");
    Exception e = assertThrows(Exception.class,
        () -> new StudyArchiveWriter().writeAtomically(GeneratedStudy.STUDY, instances, zip));
    assertTrue(e instanceof DicomParseException || e.getCause() instanceof DicomParseException, e.toString());
    assertFalse(Files.exists(zip));
    assertFalse(Files.exists(zip.resolveSibling(zip.getFileName() + ".partial")));
  }

  @Test
  void aGeneratedStudyIsTheSameArchiveBothWays() throws IOException {
    List<ArchiveInstance> instances = GeneratedStudy.write(dir);
    assertArrayEquals(study(instances, false, "commons"), study(instances, true, "plain"));
  }

  @Test
  void everyCorpusStudyIsTheSameArchiveBothWays() throws IOException {
    Map<String, List<ArchiveInstance>> studies = new TreeMap<>();
    for (Path file : Corpus.files()) {
      if (Corpus.expectRejected(file)) {
        continue;
      }
      try {
        ArchiveInstance i = TestFiles.read(file);
        String uid = i.metadata().asciiString(Tag.StudyInstanceUID);
        if (uid != null) {
          studies.computeIfAbsent(uid, k -> new ArrayList<>()).add(i);
        }
      } catch (DicomParseException e) {
        // Refused by the reader: its own tests cover that.
      }
    }
    int compared = 0;
    for (Map.Entry<String, List<ArchiveInstance>> s : studies.entrySet()) {
      for (ArchiveInstance i : s.getValue()) {
        byte[] commons;
        try {
          commons = study(s.getKey(), List.of(i), false, "c" + compared);
        } catch (IllegalArgumentException | IOException e) {
          continue; // refused alike both ways (StudyArchiveRefusalTest)
        }
        assertArrayEquals(commons, study(s.getKey(), List.of(i), true, "p" + compared), i.file().source());
        compared++;
      }
    }
    assertTrue(compared > 20, "compared " + compared);
  }

  private byte[] study(List<ArchiveInstance> instances, boolean plain, String name) throws IOException {
    return study(GeneratedStudy.STUDY, instances, plain, name);
  }

  private byte[] study(String uid, List<ArchiveInstance> instances, boolean plain, String name) throws IOException {
    Path zip = dir.resolve(name + ".zip");
    try (OutputChannel out = new OutputChannel(FileChannel.open(zip, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.READ), zip.toString())) {
      StudyArchiveWriter.Result r = new StudyArchiveWriter(plain).write(uid, instances, out);
      assertEquals(Files.size(zip), r.bytes());
    }
    byte[] bytes = Files.readAllBytes(zip);
    Files.delete(zip);
    return bytes;
  }
}
