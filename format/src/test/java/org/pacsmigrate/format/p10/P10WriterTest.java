package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.p10.WriterFixtures.FakeSource;
import static org.pacsmigrate.format.p10.WriterFixtures.bin;
import static org.pacsmigrate.format.p10.WriterFixtures.dump;
import static org.pacsmigrate.format.p10.WriterFixtures.expectedDump;
import static org.pacsmigrate.format.p10.WriterFixtures.fileBytes;
import static org.pacsmigrate.format.p10.WriterFixtures.item;
import static org.pacsmigrate.format.p10.WriterFixtures.le;
import static org.pacsmigrate.format.p10.WriterFixtures.pattern;
import static org.pacsmigrate.format.p10.WriterFixtures.text;
import static org.pacsmigrate.format.p10.WriterFixtures.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/** Data set encoding: written, read back with P10Reader, compared. */
class P10WriterTest {
  private static final TransferSyntax EXPLICIT = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;

  @TempDir
  Path dir;

  private static DicomFile read(Path file, int bulkThreshold) throws IOException {
    DicomFile f = new P10Reader(bulkThreshold).read(file);
    assertEquals(List.of(), f.warnings(), "the reader tolerated something in the written file");
    return f;
  }

  @Test
  void everyAttributeReadsBackAsWrittenAfterPadding() throws IOException {
    FakeSource source = new FakeSource();
    DataSet original = WriterFixtures.everything(source);
    Path file = write(dir, "all.dcm", null, original, EXPLICIT, source);

    DicomFile back = read(file, Integer.MAX_VALUE);
    assertEquals(expectedDump(original, source), dump(back.dataSet(), fileBytes(file)));
    assertEquals(EXPLICIT, back.transferSyntax());
  }

  @Test
  void bulkValuesAreStreamedFromTheSourceWithTheirPathAndVr() throws IOException {
    FakeSource source = new FakeSource();
    DataSet original = WriterFixtures.everything(source);
    Path file = write(dir, "bulk.dcm", null, original, EXPLICIT, source);

    assertEquals(List.of("00091016/0/00091040 OB", "00091041 OB", "00091042 LO", "7FE00010 OW"), source.requests);
    DicomFile back = read(file, 0);
    BulkData pixels = back.dataSet().get(Tag.PixelData).bulk();
    assertArrayEquals(source.bytes(original.get(Tag.PixelData).bulk()), fileBytes(file).apply(pixels));
    BulkData odd = back.dataSet().get(0x00091041).bulk();
    assertEquals(1002, odd.length());
    byte[] padded = Arrays.copyOf(pattern(1001, 2), 1002);
    assertArrayEquals(padded, fileBytes(file).apply(odd));
    BulkData nested = back.dataSet().get(WriterFixtures.PRIVATE_SQ).items().get(0).get(0x00091040).bulk();
    assertArrayEquals(Arrays.copyOf(pattern(301, 5), 302), fileBytes(file).apply(nested));
  }

  @Test
  void oddValuesArePaddedWithTheirVrsPaddingByte() throws IOException {
    DataSet d = WriterFixtures.baseDataSet();
    d.put(text(0x00091001, VR.UI, "1.2.3"));
    d.put(text(0x00091002, VR.LO, "abc"));
    d.put(bin(0x00091003, VR.OB, 1, 2, 3));
    d.put(bin(0x00091004, VR.UN, 4));
    Path file = write(dir, "odd.dcm", null, d, EXPLICIT, BulkDataSource.none());

    DataSet back = read(file, Integer.MAX_VALUE).dataSet();
    assertEquals("312e322e3300", hex(back.get(0x00091001).bytes()));
    assertEquals("61626320", hex(back.get(0x00091002).bytes()));
    assertEquals("01020300", hex(back.get(0x00091003).bytes()));
    assertEquals("0400", hex(back.get(0x00091004).bytes()));
    assertEquals("312e322e3834302e31303030382e352e312e342e312e312e3700",
        hex(back.get(Tag.SOPClassUID).bytes()), "the data set's UI is padded with NUL too");
  }

  @Test
  void longValuesOfSixteenBitLengthVrsAreWrittenAsUn() throws IOException {
    FakeSource source = new FakeSource();
    Path file = write(dir, "long.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    DataSet back = read(file, Integer.MAX_VALUE).dataSet();

    assertElement(back, 0x00091030, VR.UN, 70002, (byte) ' ');
    assertElement(back, 0x00091031, VR.UN, 0x10000, (byte) 0);
    assertElement(back, 0x00091032, VR.OB, 70000, pattern(70000, 1)[69999]);
    assertElement(back, 0x00091033, VR.LT, 0xFFFE, (byte) 'y');
    assertElement(back, 0x00091034, VR.UN, 0x10000, (byte) ' ');
    assertElement(back, 0x00091042, VR.UN, 70000, (byte) 'w');
  }

  private static void assertElement(DataSet d, int tag, VR vr, int length, byte last) {
    DicomElement e = d.get(tag);
    assertEquals(vr, e.vr(), Tag.toString(tag));
    assertEquals(length, e.bytes().length, Tag.toString(tag));
    assertEquals(last, e.bytes()[length - 1], Tag.toString(tag));
  }

  @Test
  void groupLengthsAreDroppedAtEveryLevel() throws IOException {
    FakeSource source = new FakeSource();
    Path file = write(dir, "gl.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    DataSet back = read(file, Integer.MAX_VALUE).dataSet();

    assertTrue(dump(back, fileBytes(file)).stream().noneMatch(l -> l.matches("(.*/)?[0-9A-F]{4}0000 .*")));
    assertFalse(back.contains(0x00080000));
    DataSet level2 = back.get(0x00081115).items().get(0).get(0x00081140).items().get(0);
    assertFalse(level2.contains(0x00080000));
  }

  @Test
  void nestedSequencesKeepEmptyItemsAndEmptySequences() throws IOException {
    FakeSource source = new FakeSource();
    Path file = write(dir, "seq.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    DataSet back = read(file, Integer.MAX_VALUE).dataSet();

    DataSet level1 = back.get(0x00081115).items().get(0);
    assertEquals(List.of(), level1.get(0x00081199).items());
    DataSet level3 = level1.get(0x00081140).items().get(0).get(WriterFixtures.PRIVATE_SQ).items().get(0);
    List<DataSet> level4 = level3.get(WriterFixtures.PRIVATE_SQ).items();
    assertEquals(3, level4.size());
    assertTrue(level4.get(1).isEmpty());
    assertEquals("Deep^Name", level4.get(2).asciiString(0x00100010));
    assertEquals(VR.SQ, back.get(0x00111000 + VR.SQ.ordinal()).vr());
  }

  @Test
  void sequencesAndItemsHaveUndefinedLengthAndDelimiters() throws IOException {
    DataSet d = WriterFixtures.baseDataSet();
    d.put(DicomElement.ofItems(0x00081115, List.of(item(text(0x0020000E, VR.UI, "1.2")), new DataSet())));
    d.put(DicomElement.ofItems(0x00081199, List.of()));
    Path file = write(dir, "delim.dcm", null, d, EXPLICIT, BulkDataSource.none());

    String all = hex(Files.readAllBytes(file));
    String sq = "08001511" + "5351" + "0000" + "ffffffff"
        + "feff00e0" + "ffffffff" + "20000e00" + "5549" + "0400" + "312e3200" + "feff0de0" + "00000000"
        + "feff00e0" + "ffffffff" + "feff0de0" + "00000000"
        + "feffdde0" + "00000000"
        + "08009911" + "5351" + "0000" + "ffffffff" + "feffdde0" + "00000000";
    assertTrue(all.contains(sq), "sequence encoding");
  }

  @Test
  void privateCreatorsAndPrivateElementsAreKept() throws IOException {
    FakeSource source = new FakeSource();
    Path file = write(dir, "priv.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    DataSet back = read(file, Integer.MAX_VALUE).dataSet();

    assertEquals("PACSMIGRATE TEST", back.asciiString(WriterFixtures.PRIVATE_CREATOR));
    assertEquals("OTHER CREATOR", back.asciiString(0x00090011));
    assertEquals("second block", back.asciiString(0x00091100));
    assertEquals(VR.PN, back.get(0x00091013).vr());
  }

  @Test
  void emptyValuesAreWrittenWithLengthZero() throws IOException {
    FakeSource source = new FakeSource();
    Path file = write(dir, "empty.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    DataSet back = read(file, Integer.MAX_VALUE).dataSet();

    for (VR vr : VR.values()) {
      DicomElement e = back.get(0x00111000 + vr.ordinal());
      assertEquals(vr, e.vr());
      assertTrue(e.isEmpty(), vr.name());
    }
  }

  @Test
  void encapsulatedPixelDataKeepsOffsetTableAndFragments() throws IOException {
    FakeSource source = new FakeSource();
    DataSet original = WriterFixtures.encapsulated(source);
    TransferSyntax jpeg = TransferSyntax.forUid(WriterFixtures.JPEG_BASELINE);
    Path file = write(dir, "jpeg.dcm", null, original, jpeg, source);

    DicomFile back = read(file, 0);
    assertEquals(jpeg, back.transferSyntax());
    assertEquals(expectedDump(original, source), dump(back.dataSet(), fileBytes(file)));
    DicomElement pixels = back.dataSet().get(Tag.PixelData);
    assertEquals(VR.OB, pixels.vr());
    assertEquals(hex(le(4, 0, 176)), hex(pixels.basicOffsetTable()));
    List<BulkData> originals = original.get(Tag.PixelData).fragments();
    for (int i = 0; i < originals.size(); i++) {
      assertArrayEquals(source.bytes(originals.get(i)), fileBytes(file).apply(pixels.fragments().get(i)));
    }
    assertEquals(3, source.requests.size());
    assertTrue(source.requests.stream().allMatch(r -> r.equals("7FE00010 OB")), source.requests.toString());
  }

  @Test
  void oddFragmentsArePaddedAndTheOffsetTableFollowsThem() throws IOException {
    FakeSource source = new FakeSource();
    DataSet d = WriterFixtures.baseDataSet();
    List<BulkData> fragments = List.of(source.add(pattern(101, 1)), source.add(pattern(51, 2)),
        source.add(pattern(30, 3)), source.add(pattern(7, 4)));
    // Frames start at fragments 0, 1 and 3, as offsets counted over the unpadded source items.
    byte[] table = le(4, 0, 8 + 101, 8 + 101 + 8 + 51 + 8 + 30);
    d.put(DicomElement.ofFragments(Tag.PixelData, VR.OB, table, fragments));
    Path file = write(dir, "oddfrag.dcm", null, d, TransferSyntax.forUid(WriterFixtures.JPEG_BASELINE), source);

    DicomElement pixels = read(file, 0).dataSet().get(Tag.PixelData);
    assertEquals(hex(le(4, 0, 8 + 102, 8 + 102 + 8 + 52 + 8 + 30)), hex(pixels.basicOffsetTable()));
    byte[] all = Files.readAllBytes(file);
    long firstItem = pixels.fragments().get(0).offset() - 8;
    for (int i = 0; i < 3; i++) {
      int at = (int) (firstItem + P10Reader.u32le(pixels.basicOffsetTable(), i * 4));
      assertEquals("feff00e0", hex(Arrays.copyOfRange(all, at, at + 4)), "frame " + i + " starts at an item");
    }
    assertEquals(List.of(102L, 52L, 30L, 8L), pixels.fragments().stream().map(BulkData::length).toList());
    assertArrayEquals(Arrays.copyOf(pattern(7, 4), 8), fileBytes(file).apply(pixels.fragments().get(3)));
  }

  @Test
  void offsetTableEntriesThatPointNowhereAreKept() {
    List<BulkData> fragments = List.of(new BulkData(0, 3), new BulkData(10, 4));
    assertEquals(hex(le(4, 0, 12, 5)), hex(BasicOffsetTable.adjust(le(4, 0, 11, 5), fragments)));
    byte[] even = le(4, 0, 12);
    assertTrue(even == BasicOffsetTable.adjust(even, List.of(new BulkData(0, 4))), "no copy when nothing moves");
  }

  @Test
  void aBigEndianSourceSwapsByTheVrItIsGiven() throws IOException {
    byte[] bigEndian = {0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0};
    DataSet d = WriterFixtures.baseDataSet();
    d.put(DicomElement.ofBulk(Tag.PixelData, VR.OW, new BulkData(0, 8)));
    BulkDataSource swapping = (path, vr, range, out) -> {
      byte[] b = Arrays.copyOfRange(bigEndian, (int) range.offset(), (int) range.end());
      P10Reader.swap(b, vr.unitSize());
      out.write(b);
    };
    Path file = write(dir, "swap.dcm", null, d, EXPLICIT, swapping);

    BulkData pixels = read(file, 0).dataSet().get(Tag.PixelData).bulk();
    assertEquals("34127856bc9af0de", hex(fileBytes(file).apply(pixels)));
  }

  @Test
  void aLargeValueIsStreamedInChunks() throws IOException {
    int length = 8 * 1024 * 1024 + 1;
    DataSet d = WriterFixtures.baseDataSet();
    d.put(DicomElement.ofBulk(Tag.PixelData, VR.OB, new BulkData(0, length)));
    BulkDataSource generated = (path, vr, range, out) -> {
      byte[] chunk = new byte[64 * 1024];
      for (long done = 0; done < range.length(); done += chunk.length) {
        int n = (int) Math.min(chunk.length, range.length() - done);
        fill(chunk, done, n);
        out.write(chunk, 0, n);
      }
    };
    Path file = write(dir, "large.dcm", null, d, EXPLICIT, generated);

    BulkData pixels = read(file, 0).dataSet().get(Tag.PixelData).bulk();
    assertEquals(length + 1, pixels.length());
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      byte[] expected = new byte[buf.capacity()];
      for (long done = 0; done < length; done += buf.capacity()) {
        buf.clear();
        int n = (int) Math.min(buf.capacity(), length - done);
        buf.limit(n);
        while (buf.hasRemaining()) {
          ch.read(buf, pixels.offset() + done + buf.position());
        }
        fill(expected, done, n);
        assertTrue(Arrays.equals(expected, 0, n, buf.array(), 0, n), "bytes at " + done);
      }
      assertEquals(pixels.end(), ch.size(), "the padding byte ends the file");
    }
  }

  private static void fill(byte[] b, long start, int n) {
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((start + i) * 7 + ((start + i) >>> 16));
    }
  }

  @Test
  void elementsAreWrittenInUnsignedTagOrder() throws IOException {
    DataSet d = WriterFixtures.baseDataSet();
    d.put(DicomElement.ofBytes(0xFFFCFFFC, VR.OB, new byte[4]));
    d.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, new byte[4]));
    d.put(DicomElement.ofBytes(0x00091001, VR.OB, new byte[4]));
    Path file = write(dir, "order.dcm", null, d, EXPLICIT, BulkDataSource.none());

    DataSet back = read(file, 0).dataSet();
    long priv = back.get(0x00091001).bulk().offset();
    long pixels = back.get(Tag.PixelData).bulk().offset();
    long padding = back.get(0xFFFCFFFC).bulk().offset();
    assertTrue(priv < pixels && pixels < padding, priv + " < " + pixels + " < " + padding);
  }

  @Test
  void rewritingWhatTheReaderReadIsByteIdentical() throws IOException {
    FakeSource source = new FakeSource();
    Path first = write(dir, "first.dcm", null, WriterFixtures.everything(source), EXPLICIT, source);
    Path firstJpeg = write(dir, "first-jpeg.dcm", null, WriterFixtures.encapsulated(source),
        TransferSyntax.forUid(WriterFixtures.JPEG_BASELINE), source);

    for (Path file : List.of(first, firstJpeg)) {
      DicomFile read = read(file, 0);
      Path again = dir.resolve("again.dcm");
      try (FileChannel ch = FileChannel.open(file); OutputStream out = Files.newOutputStream(again)) {
        new P10Writer().write(read.fileMeta(), read.dataSet(), read.transferSyntax(), channelSource(ch), out);
      }
      assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), file.getFileName().toString());
    }
  }

  private static BulkDataSource channelSource(FileChannel ch) {
    return (path, vr, range, out) -> {
      WritableByteChannel target = Channels.newChannel(out);
      for (long pos = range.offset(); pos < range.end(); ) {
        pos += ch.transferTo(pos, range.end() - pos, target);
      }
    };
  }

  @Test
  void outputIsBufferedFlushedAndLeftOpen() throws IOException {
    FakeSource source = new FakeSource();
    CountingStream out = new CountingStream();
    new P10Writer().write(WriterFixtures.everything(source), EXPLICIT, source, out);

    assertTrue(out.writes < out.size() / 8192, out.writes + " writes for " + out.size() + " bytes");
    assertFalse(out.closed);
    assertTrue(out.size() > 300_000);
    assertEquals("4449434d", hex(Arrays.copyOfRange(out.toByteArray(), 128, 132)));
  }

  private static final class CountingStream extends ByteArrayOutputStream {
    int writes;
    boolean closed;

    @Override
    public synchronized void write(int b) {
      writes++;
      super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      super.write(b, off, len);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
