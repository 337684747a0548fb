package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

class P10ReaderTest {
  @TempDir Path dir;

  private DicomFile read(byte[] bytes) throws IOException {
    return read(bytes, P10Reader.DEFAULT_BULK_THRESHOLD);
  }

  private DicomFile read(byte[] bytes, int threshold) throws IOException {
    Path p = Files.createTempFile(dir, "t", ".dcm");
    Files.write(p, bytes);
    return new P10Reader(threshold).read(p);
  }

  private DicomParseException reject(byte[] bytes) {
    return assertThrows(DicomParseException.class, () -> read(bytes));
  }

  private static String text(DicomElement e) {
    return new String(e.bytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsPreambleMetaAndExplicitLittleEndian() throws IOException {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .text(0x00100010, "PN", "Doe^John")
        .element(0x00280010, "US", TestEncoder.le16(512))
        .bytes();
    DicomFile f = read(b);
    assertTrue(f.hasPreamble());
    assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, f.transferSyntax());
    assertEquals("1.2.840.10008.1.2.1", f.fileMeta().asciiString(Tag.TransferSyntaxUID));
    assertEquals("Doe^John", text(f.dataSet().get(Tag.PatientName)));
    assertEquals(512, f.dataSet().integer(Tag.Rows, -1));
    assertTrue(f.warnings().isEmpty(), f.warnings().toString());
  }

  @Test
  void implicitVrTakesVrFromDictionaryIncludingRepeatingGroupsAndPrivateCreators() throws IOException {
    byte[] b = TestEncoder.implicitLe().preamble().meta("1.2.840.10008.1.2")
        .text(0x00100010, "PN", "Doe^Jane")
        .text(0x00290010, null, "ACME 1.0")
        .element(0x00291001, null, new byte[] {1, 2, 3, 4})
        .element(0x60023000, null, new byte[] {9, 9})
        .element(0x00080000, null, TestEncoder.le32(0))
        .bytes();
    DataSet ds = read(b).dataSet();
    assertEquals(VR.PN, ds.get(Tag.PatientName).vr());
    assertEquals(VR.LO, ds.get(0x00290010).vr());
    assertEquals(VR.UN, ds.get(0x00291001).vr());
    assertEquals(VR.OW, ds.get(0x60023000).vr(), "overlay data in a repeating group");
    assertEquals(VR.UL, ds.get(0x00080000).vr());
  }

  @Test
  void implicitAmbiguousUsOrSsFollowsPixelRepresentation() throws IOException {
    byte[] b = TestEncoder.implicitLe().preamble().meta("1.2.840.10008.1.2")
        .element(0x00280103, null, TestEncoder.le16(1))
        .element(0x00280106, null, TestEncoder.le16(0xFFFF))
        .bytes();
    assertEquals(VR.SS, read(b).dataSet().get(0x00280106).vr());
  }

  @Test
  void bigEndianNumbersAreHeldLittleEndianButBulkStaysAsStored() throws IOException {
    byte[] pixels = {1, 2, 3, 4};
    byte[] b = TestEncoder.explicitBe().preamble().meta("1.2.840.10008.1.2.2")
        .element(0x00280010, "US", new byte[] {0x02, 0x00})
        .element(0x00280009, "AT", new byte[] {0x00, 0x18, 0x10, 0x63})
        .element(Tag.PixelData, "OW", pixels)
        .bytes();
    DicomFile f = read(b);
    assertEquals(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, f.transferSyntax());
    assertEquals(512, f.dataSet().integer(Tag.Rows, -1));
    assertArrayEquals(new byte[] {0x18, 0x00, 0x63, 0x10}, f.dataSet().get(0x00280009).bytes());
    BulkData px = f.dataSet().get(Tag.PixelData).bulk();
    assertEquals(4, px.length());
    byte[] onDisk = java.util.Arrays.copyOfRange(b, (int) px.offset(), (int) px.end());
    assertArrayEquals(pixels, onDisk);
  }

  @Test
  void noPreambleExplicitAndImplicitAndBigEndianAreDetected() throws IOException {
    byte[] explicit = TestEncoder.explicitLe().text(0x00080005, "CS", "ISO_IR 100").text(0x00100010, "PN", "A^B ")
        .bytes();
    assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, read(explicit).transferSyntax());
    byte[] implicit = TestEncoder.implicitLe().text(0x00080005, null, "ISO_IR 100").bytes();
    assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, read(implicit).transferSyntax());
    byte[] big = TestEncoder.explicitBe().text(0x00080005, "CS", "ISO_IR 100").bytes();
    assertEquals(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, read(big).transferSyntax());
    assertFalse(read(big).hasPreamble());
  }

  @Test
  void metaWithoutPreambleIsRead() throws IOException {
    byte[] b = TestEncoder.explicitLe().meta("1.2.840.10008.1.2").raw(
        TestEncoder.implicitLe().text(0x00100020, null, "ID1 ").bytes()).bytes();
    DicomFile f = read(b);
    assertFalse(f.hasPreamble());
    assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, f.transferSyntax());
    assertEquals("ID1", f.dataSet().asciiString(Tag.PatientID));
  }

  @Test
  void wrongOrMissingGroupLengthDoesNotBreakParsing() throws IOException {
    TestEncoder wrong = TestEncoder.explicitLe().preamble()
        .element(0x00020000, "UL", TestEncoder.le32(4))
        .text(0x00020010, "UI", "1.2.840.10008.1.2.1\0")
        .text(0x00100020, "LO", "ID");
    DicomFile f = read(wrong.bytes());
    assertEquals("ID", f.dataSet().asciiString(Tag.PatientID));
    assertTrue(f.warnings().get(0).contains("Group Length"), f.warnings().toString());
    TestEncoder missing = TestEncoder.explicitLe().preamble()
        .text(0x00020010, "UI", "1.2.840.10008.1.2.1\0")
        .text(0x00100020, "LO", "ID");
    assertEquals("ID", read(missing.bytes()).dataSet().asciiString(Tag.PatientID));
  }

  @Test
  void nestedSequencesOfDefinedAndUndefinedLength() throws IOException {
    byte[] inner = TestEncoder.explicitLe().text(0x00081150, "UI", "1.2\0").bytes();
    TestEncoder definedItem = TestEncoder.explicitLe().item(inner.length).raw(inner);
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00081115, "SQ", 0xFFFFFFFFL)
        .item(0xFFFFFFFFL)
        .header(0x00081140, "SQ", definedItem.size()).raw(definedItem.bytes())
        .itemEnd()
        .item(0)
        .sequenceEnd()
        .header(0x00400275, "SQ", 0)
        .text(0x00100020, "LO", "ID");
    DataSet ds = read(e.bytes()).dataSet();
    List<DataSet> items = ds.get(0x00081115).items();
    assertEquals(2, items.size());
    assertTrue(items.get(1).isEmpty());
    DataSet deepest = items.get(0).get(0x00081140).items().get(0);
    assertEquals("1.2", deepest.asciiString(0x00081150));
    assertTrue(ds.get(0x00400275).items().isEmpty());
    assertEquals("ID", ds.asciiString(Tag.PatientID));
  }

  @Test
  void unOfUndefinedLengthIsReadAsImplicitSequence() throws IOException {
    byte[] implicitItem = TestEncoder.implicitLe().text(0x00100020, null, "IN").bytes();
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00091010, "UN", 0xFFFFFFFFL)
        .raw(TestEncoder.implicitLe().item(0xFFFFFFFFL).raw(implicitItem).itemEnd().sequenceEnd().bytes())
        .text(0x00100020, "LO", "OUT")
        .bytes();
    DataSet ds = read(b).dataSet();
    DicomElement seq = ds.get(0x00091010);
    assertEquals(VR.SQ, seq.vr());
    assertEquals("IN", seq.items().get(0).asciiString(0x00100020));
    assertEquals("OUT", ds.asciiString(0x00100020));
  }

  @Test
  void privateSequenceInImplicitVrIsRecognisedByItsItemTag() throws IOException {
    byte[] item = TestEncoder.implicitLe().text(0x00091001, null, "ABCD").bytes();
    byte[] seq = TestEncoder.implicitLe().item(item.length).raw(item).bytes();
    byte[] b = TestEncoder.implicitLe().preamble().meta("1.2.840.10008.1.2")
        .text(0x00090010, null, "ACME")
        .element(0x00091000, null, seq)
        .element(0x00091002, null, new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 1, 2, 3, 4})
        .bytes();
    DataSet ds = read(b).dataSet();
    assertEquals(VR.SQ, ds.get(0x00091000).vr());
    assertEquals(1, ds.get(0x00091000).items().size());
    assertEquals(VR.UN, ds.get(0x00091002).vr(), "looks like an item but is not a sequence: kept as bytes");
    assertEquals(8, ds.get(0x00091002).bytes().length);
  }

  @Test
  void oddLengthsAreToleratedAndNoted() throws IOException {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .text(0x00100020, "LO", "ABC").text(0x00100030, "DA", "20200101").bytes();
    DicomFile f = read(b);
    assertEquals("ABC", f.dataSet().asciiString(Tag.PatientID));
    assertTrue(f.warnings().stream().anyMatch(w -> w.contains("odd length")));
  }

  @Test
  void largeBinaryValuesStayInTheFileWithOffsets() throws IOException {
    byte[] big = new byte[5000];
    big[0] = 7;
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .element(0x00420011, "OB", big)
        .element(0x00091010, "OB", new byte[] {1, 2});
    int offsetOfValue = e.size() - 2 - 12 - big.length;
    DataSet ds = read(e.bytes()).dataSet();
    BulkData bulk = ds.get(0x00420011).bulk();
    assertEquals(offsetOfValue, bulk.offset());
    assertEquals(5000, bulk.length());
    assertTrue(ds.get(0x00091010).hasBytes());
  }

  @Test
  void encapsulatedPixelDataRecordsOffsetTableAndFragments() throws IOException {
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.4.50")
        .element(0x00280008, "IS", "2 ".getBytes(StandardCharsets.US_ASCII))
        .header(Tag.PixelData, "OB", 0xFFFFFFFFL)
        .item(8).raw(TestEncoder.le32(0)).raw(TestEncoder.le32(12))
        .item(4).raw(new byte[] {1, 2, 3, 4})
        .item(2).raw(new byte[] {5, 6})
        .sequenceEnd();
    DicomFile f = read(e.bytes());
    DicomElement px = f.dataSet().get(Tag.PixelData);
    assertTrue(px.isEncapsulated());
    assertEquals(8, px.basicOffsetTable().length);
    assertEquals(2, px.fragments().size());
    List<Frame> frames = FrameLocator.locate(f);
    assertEquals(2, frames.size());
    assertEquals(4, frames.get(0).length());
    assertEquals(2, frames.get(1).length());
  }

  @Test
  void unknownTransferSyntaxWithUndefinedLengthPixelDataIsEncapsulated() throws IOException {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.3.4.5.6.7")
        .header(Tag.PixelData, "OB", 0xFFFFFFFFL).item(0).item(2).raw(new byte[] {1, 2}).sequenceEnd().bytes();
    DicomFile f = read(b);
    assertFalse(f.transferSyntax().isKnown());
    assertTrue(f.transferSyntax().encapsulated());
    assertTrue(f.dataSet().get(Tag.PixelData).isEncapsulated());
  }

  @Test
  void deflatedDataSetIsInflatedAndBulkRangesReadBack() throws IOException {
    byte[] pixels = new byte[3000];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) i;
    }
    byte[] dataSet = TestEncoder.explicitLe().text(0x00100020, "LO", "ID")
        .element(0x00280010, "US", TestEncoder.le16(50)).element(0x00280011, "US", TestEncoder.le16(30))
        .element(0x00280100, "US", TestEncoder.le16(16))
        .element(Tag.PixelData, "OW", pixels).bytes();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
      d.write(dataSet);
    }
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1.99").raw(z.toByteArray()).bytes();
    Path p = dir.resolve("deflated.dcm");
    Files.write(p, b);
    DicomFile f = new P10Reader().read(p);
    assertTrue(f.transferSyntax().deflated());
    assertEquals("ID", f.dataSet().asciiString(Tag.PatientID));
    List<Frame> frames = FrameLocator.locate(f);
    assertEquals(1, frames.size());
    try (BulkDataReader r = BulkDataReader.open(p, f)) {
      assertArrayEquals(pixels, r.read(frames.get(0).ranges().get(0)));
    }
  }

  @Test
  void headerOfAFileLargerThan2GbIsReadWithoutTouchingItsPixels() throws IOException {
    long pixelLength = 0xF0000000L;
    byte[] header = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .element(0x00280010, "US", TestEncoder.le16(4096)).header(Tag.PixelData, "OW", pixelLength)
        .bytes();
    Path p = dir.resolve("sparse.dcm");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
      f.write(header);
      f.setLength(header.length + pixelLength); // sparse: no disk is used for the pixels
    }
    DicomFile f = new P10Reader().read(p);
    BulkData px = f.dataSet().get(Tag.PixelData).bulk();
    assertEquals(header.length, px.offset());
    assertEquals(pixelLength, px.length());
  }

  // --- Bad input: typed errors with offsets, never huge allocations or endless loops.

  @Test
  void garbageIsRecognisedAsNotDicom() {
    byte[] junk = "%PDF-1.4 this is not a DICOM file at all".getBytes(StandardCharsets.US_ASCII);
    DicomParseException e = reject(junk);
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("not a DICOM file"), e.getMessage());
    assertTrue(reject(new byte[3]).getMessage().contains("too short"));
  }

  @Test
  void truncatedValueNamesItsOffsetAndTag() {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00100010, "PN", 40).raw("Doe".getBytes(StandardCharsets.US_ASCII)).bytes();
    DicomParseException e = reject(b);
    assertEquals(b.length - 3, e.offset());
    assertTrue(e.reason().contains("(0010,0010)") && e.reason().contains("40"), e.reason());
  }

  @Test
  void absurdLengthIsRejectedBeforeAllocating() {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00420011, "OB", 0xFFFFFFF0L).raw(new byte[16]).bytes();
    assertTrue(reject(b).reason().contains("claims"));
    byte[] implicit = TestEncoder.implicitLe().preamble().meta("1.2.840.10008.1.2")
        .header(0x00100010, null, 0x7FFFFFF0L).raw(new byte[4]).bytes();
    assertTrue(reject(implicit).reason().contains("claims"));
  }

  @Test
  void truncatedHeaderAndUnterminatedSequenceAreRejected() {
    byte[] header = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1").text(0x00100020, "LO", "ID")
        .raw(new byte[] {0x10, 0x00, 0x30, 0x00, 'D'}).bytes();
    assertTrue(reject(header).reason().contains("truncated"));
    byte[] seq = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00081115, "SQ", 0xFFFFFFFFL).item(0xFFFFFFFFL).text(0x00100020, "LO", "ID").bytes();
    assertTrue(reject(seq).reason().contains("truncated"), reject(seq).reason());
  }

  @Test
  void itemThatOverrunsItsSequenceIsRejected() {
    byte[] inner = TestEncoder.explicitLe().text(0x00100020, "LO", "ID").bytes();
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .header(0x00081115, "SQ", 8 + inner.length - 2).item(inner.length).raw(inner)
        .text(0x00100030, "DA", "20200101").bytes();
    DicomParseException e = reject(b);
    assertTrue(e.reason().contains("past the end"), e.reason());
  }

  @Test
  void strayDelimitersAndBadFragmentsAreRejected() {
    byte[] stray = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1").sequenceEnd().bytes();
    assertTrue(reject(stray).reason().contains("Sequence Delimitation"));
    byte[] badFragment = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.4.50")
        .header(Tag.PixelData, "OB", 0xFFFFFFFFL).item(0).text(0x00100020, "LO", "ID").bytes();
    assertTrue(reject(badFragment).reason().contains("expected an Item"));
    byte[] badVr = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .text(0x00080060, "CS", "CT")
        .raw(new byte[] {0x10, 0x00, 0x10, 0x00, 'x', '1', 2, 0, 'A', 'B'}).bytes();
    assertTrue(reject(badVr).reason().contains("invalid VR"));
  }

  @Test
  void deepNestingIsBounded() {
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1");
    for (int i = 0; i < 200; i++) {
      e.header(0x00081115, "SQ", 0xFFFFFFFFL).item(0xFFFFFFFFL);
    }
    assertTrue(reject(e.bytes()).reason().contains("nested deeper"));
  }

  @Test
  void corruptDeflateIsRejected() {
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1.99")
        .raw(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x12, 0x34, 0x56}).bytes();
    assertTrue(reject(b).reason().contains("deflate"), reject(b).reason());
  }

  @Test
  void truncatedDeflatedStreamIsATypedError() throws IOException {
    byte[] dataSet = TestEncoder.explicitLe().text(0x00100020, "LO", "ID").header(Tag.PixelData, "OW", 100000)
        .raw(new byte[500]).bytes();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
      d.write(dataSet);
    }
    byte[] b = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1.99").raw(z.toByteArray()).bytes();
    DicomParseException e = reject(b);
    assertTrue(e.reason().contains("truncated") || e.reason().contains("deflate"), e.reason());
  }

  @Test
  void nativeFramesFollowGeometryAndShortPixelDataIsAnError() throws IOException {
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .element(0x00280002, "US", TestEncoder.le16(1))
        .element(0x00280008, "IS", "3 ".getBytes(StandardCharsets.US_ASCII))
        .element(0x00280010, "US", TestEncoder.le16(2)).element(0x00280011, "US", TestEncoder.le16(2))
        .element(0x00280100, "US", TestEncoder.le16(16))
        .element(Tag.PixelData, "OW", new byte[24]);
    List<Frame> frames = FrameLocator.locate(read(e.bytes()));
    assertEquals(3, frames.size());
    assertEquals(8, frames.get(2).length());
    TestEncoder shortData = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .element(0x00280008, "IS", "4 ".getBytes(StandardCharsets.US_ASCII))
        .element(0x00280010, "US", TestEncoder.le16(2)).element(0x00280011, "US", TestEncoder.le16(2))
        .element(0x00280100, "US", TestEncoder.le16(16))
        .element(Tag.PixelData, "OW", new byte[24]);
    assertThrows(DicomParseException.class, () -> FrameLocator.locate(read(shortData.bytes())));
  }

  @Test
  void singleBitFramesThatShareBytesSayWhereTheyStart() throws IOException {
    TestEncoder e = TestEncoder.explicitLe().preamble().meta("1.2.840.10008.1.2.1")
        .element(0x00280008, "IS", "2 ".getBytes(StandardCharsets.US_ASCII))
        .element(0x00280010, "US", TestEncoder.le16(3)).element(0x00280011, "US", TestEncoder.le16(3))
        .element(0x00280100, "US", TestEncoder.le16(1))
        .element(Tag.PixelData, "OW", new byte[4]);
    List<Frame> frames = FrameLocator.locate(read(e.bytes()));
    assertEquals(0, frames.get(0).firstBit());
    assertEquals(2, frames.get(0).length(), "9 bits span 2 bytes");
    assertEquals(1, frames.get(1).firstBit());
    assertEquals(2, frames.get(1).length(), "bits 9..17 span bytes 1..2");
  }
}
