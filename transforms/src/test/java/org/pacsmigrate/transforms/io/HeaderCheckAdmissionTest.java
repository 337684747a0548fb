package org.pacsmigrate.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
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
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.transforms.TestDicom;

/**
 * Issue 10: what the header check must refuse so that no partial image is archived, one bad file never costs
 * its study, and every archived instance can be exported and verified. Each case failed (was accepted) before.
 */
class HeaderCheckAdmissionTest {
  @TempDir Path dir;

  private HeaderCheck.Verdict check(Path p) throws IOException {
    return check(p, new HeaderCheck());
  }

  private static HeaderCheck.Verdict check(Path p, HeaderCheck check) throws IOException {
    try (FileChannel ch = FileChannel.open(p)) {
      return check.check(p.toString(), Files.size(p), ch);
    }
  }

  private String rejected(DataSet ds) throws IOException {
    HeaderCheck.Verdict v = check(TestDicom.write(dir.resolve("f" + System.nanoTime() + ".dcm"), ds));
    assertNull(v.parsed(), "must be rejected");
    return v.rejected().reason();
  }

  private static void pixels(DataSet ds, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, b));
  }

  @Test
  void anEmptyNumberOfFramesOverFifteenFramesOfDataIsRejectedWithTheFigures() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.put(TestDicom.text(Tag.NumberOfFrames, VR.IS, ""));
    pixels(ds, 15 * 32 * 32 * 2);
    String reason = rejected(ds);
    assertTrue(reason.startsWith("frames cannot be located: Pixel Data holds 30720 bytes but 1 frame(s) of "
        + "32x32x1x16 bits (Rows x Columns x Samples per Pixel x Bits Allocated) need 2048"), reason);
    assertTrue(reason.contains("the geometry does not describe all the pixel bytes"), reason);
    assertTrue(reason.contains("(at byte "), reason);
  }

  @Test
  void rowsThatDescribeHalfTheDataAreRejected() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.put(TestDicom.us(Tag.Rows, 16));
    String reason = rejected(ds);
    assertTrue(reason.contains("Pixel Data holds 2048 bytes but 1 frame(s) of 16x32x1x16 bits"), reason);
    assertTrue(reason.contains("need 1024"), reason);
  }

  @Test
  void bitsAllocatedSevenIsRejected() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.put(TestDicom.us(Tag.BitsAllocated, 7));
    String reason = rejected(ds);
    assertTrue(reason.contains("Bits Allocated (0028,0100) is 7, not 1 or a multiple of 8"), reason);
  }

  @Test
  void shortPixelDataIsStillRejectedAndOnePaddingByteIsAccepted() throws IOException {
    DataSet shortOne = TestDicom.image("1.2.3.4", 1);
    pixels(shortOne, 2046);
    assertTrue(rejected(shortOne).contains("Pixel Data holds 2046 bytes"));

    // 3x3 8-bit: 9 bytes, padded to 10 by the writer (PS3.5 7.1.1): archived.
    DataSet odd = TestDicom.image("1.2.3.5", 1);
    odd.put(TestDicom.us(Tag.Rows, 3));
    odd.put(TestDicom.us(Tag.Columns, 3));
    odd.put(TestDicom.us(Tag.BitsAllocated, 8));
    odd.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, new byte[9]));
    HeaderCheck.Verdict v = check(TestDicom.write(dir.resolve("odd.dcm"), odd));
    assertNull(v.rejected(), () -> v.rejected().reason());

    // Bits Allocated 1: 10x10 bits = 13 bytes (12.5 rounded up), 14 with the padding byte.
    DataSet bits = TestDicom.image("1.2.3.6", 1);
    bits.put(TestDicom.us(Tag.Rows, 10));
    bits.put(TestDicom.us(Tag.Columns, 10));
    bits.put(TestDicom.us(Tag.BitsAllocated, 1));
    bits.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, new byte[14]));
    HeaderCheck.Verdict b = check(TestDicom.write(dir.resolve("bits.dcm"), bits));
    assertNull(b.rejected(), () -> b.rejected().reason());
    bits.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, new byte[16]));
    assertTrue(rejected(bits).contains("Pixel Data holds 16 bytes but 1 frame(s) of 10x10x1x1 bits"));
  }

  @Test
  void noSopClassUidIsRejected() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.remove(Tag.SOPClassUID);
    // The writer needs a SOP Class UID for the file meta; this file carries it there only.
    Path p = dir.resolve("noclass.dcm");
    try (var out = Files.newOutputStream(p)) {
      DataSet meta = new DataSet();
      meta.put(TestDicom.text(Tag.MediaStorageSOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.4"));
      new P10Writer().write(meta, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    HeaderCheck.Verdict v = check(p);
    assertNotNull(v.rejected());
    assertEquals("no SOP Class UID (0008,0016)", v.rejected().reason());
    assertEquals(TestDicom.STUDY, v.rejected().study());
  }

  @Test
  void aFileMetaElementInsideTheDataSetIsRejected() throws IOException {
    Path p = TestDicom.write(dir.resolve("meta-inside.dcm"), TestDicom.image("1.2.3.4", 1));
    // (0002,0016) Source Application Entity Title after the Pixel Data, i.e. in the data set.
    byte[] element = {0x02, 0x00, 0x16, 0x00, 'A', 'E', 4, 0, 'S', 'C', 'U', '1'};
    Files.write(p, element, java.nio.file.StandardOpenOption.APPEND);
    HeaderCheck.Verdict v = check(p);
    assertNotNull(v.rejected());
    assertTrue(v.rejected().reason().startsWith("File Meta Information element (0002,0016) inside the data set"),
        v.rejected().reason());
  }

  @Test
  void multiValuedUidsAreRejectedNotArchivedUnderTheFirstValue() throws IOException {
    DataSet study = TestDicom.image("1.2.3.4", 1);
    study.put(TestDicom.text(Tag.StudyInstanceUID, VR.UI, "1.2.3\\1.2.4"));
    HeaderCheck.Verdict v = check(TestDicom.write(dir.resolve("study.dcm"), study));
    assertNotNull(v.rejected());
    assertTrue(v.rejected().reason().startsWith("Study Instance UID (0020,000D) is not a valid UID (it holds 2 "
        + "values"), v.rejected().reason());
    assertEquals("", v.rejected().study(), "no study of its own: it must not be filed under 1.2.3");

    DataSet sop = TestDicom.image("1.2.3.4\\1.2.3.5", 1);
    assertTrue(rejected(sop).startsWith("SOP Instance UID (0008,0018) is not a valid UID (it holds 2 values"));
    DataSet series = TestDicom.image("1.2.3.4", 1);
    series.put(TestDicom.text(Tag.SeriesInstanceUID, VR.UI, "1.2.3.6\\"));
    assertTrue(rejected(series).startsWith("Series Instance UID (0020,000E) is not a valid UID"));

    // Trailing NUL and space padding is not a second value.
    DataSet padded = TestDicom.image("1.2.3.4", 1);
    padded.put(TestDicom.text(Tag.StudyInstanceUID, VR.UI, TestDicom.STUDY + "\0"));
    padded.put(TestDicom.text(Tag.SeriesInstanceUID, VR.UI, TestDicom.SERIES + " "));
    HeaderCheck.Verdict ok = check(TestDicom.write(dir.resolve("padded.dcm"), padded));
    assertNull(ok.rejected(), () -> ok.rejected().reason());
  }

  @Test
  void anInvalidTransferSyntaxUidIsRejectedAtParseTime() throws IOException {
    TransferSyntax bad = new TransferSyntax("1.2.840.10008.1.2.1.x", "bad", true, false, false, false, null);
    Path p = dir.resolve("badts.dcm");
    try (var out = Files.newOutputStream(p)) {
      new P10Writer().write(TestDicom.image("1.2.3.4", 1), bad, BulkDataSource.none(), out);
    }
    HeaderCheck.Verdict v = check(p);
    assertNotNull(v.rejected());
    assertTrue(v.rejected().reason().startsWith("Transfer Syntax UID (0002,0010) is not a valid UID"),
        v.rejected().reason());
    assertEquals(TestDicom.STUDY, v.rejected().study());
  }

  @Test
  void encapsulatedPixelDataUnderANativeSyntaxIsRejected() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    byte[] frame = new byte[100];
    ds.put(DicomElement.ofFragments(Tag.PixelData, VR.OB, new byte[0], List.of(new BulkData(0, frame.length))));
    // Written as if the syntax were encapsulated, declaring Explicit VR Little Endian.
    TransferSyntax lying = new TransferSyntax("1.2.840.10008.1.2.1", "lying", true, false, false, true, null);
    Path p = dir.resolve("lying.dcm");
    try (var out = Files.newOutputStream(p)) {
      new P10Writer().write(ds, lying, (ElementPath path, VR vr, BulkData range, java.io.OutputStream o)
          -> o.write(frame, 0, (int) range.length()), out);
    }
    HeaderCheck.Verdict v = check(p);
    assertNotNull(v.rejected());
    assertTrue(v.rejected().reason().startsWith("encapsulated Pixel Data (7FE0,0010) under the native transfer "
        + "syntax 1.2.840.10008.1.2.1"), v.rejected().reason());
  }

  /** A Deflated Explicit VR Little Endian file holding {@code zeros} zero bytes in a private OB value. */
  static Path deflated(Path p, int zeros) throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.put(DicomElement.ofBytes(0x00091010, VR.LO, "PRIVATE".getBytes(StandardCharsets.US_ASCII) ));
    ds.put(DicomElement.ofBytes(0x00091011, VR.OB, new byte[zeros]));
    TransferSyntax plainButNamedDeflated = new TransferSyntax(
        TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid(), "plain", true, false, false, false, null);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    new P10Writer().write(ds, plainButNamedDeflated, BulkDataSource.none(), plain);
    byte[] bytes = plain.toByteArray();
    int metaLength = (bytes[140] & 0xFF) | (bytes[141] & 0xFF) << 8 | (bytes[142] & 0xFF) << 16;
    int dataSetStart = 132 + 12 + metaLength;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, dataSetStart);
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION, true))) {
      d.write(bytes, dataSetStart, bytes.length - dataSetStart);
    }
    return Files.write(p, out.toByteArray());
  }

  @Test
  void aDeflatedDataSetThatInflatesBeyondTheLimitIsRejectedWithTheRatio() throws IOException {
    Path bomb = deflated(dir.resolve("bomb.dcm"), 16 << 20);
    long size = Files.size(bomb);
    assertTrue(size < 100_000, "16 MiB of zeros deflate to " + size + " bytes");
    HeaderCheck.Verdict v = check(bomb);
    assertNotNull(v.rejected(), "a " + size + "-byte file inflating to 16 MiB");
    String reason = v.rejected().reason();
    assertTrue(reason.startsWith("not readable as DICOM: deflated data set of "), reason);
    assertTrue(reason.contains(":1; the limit is 200:1, --maxInflationRatio)"), reason);

    // Raised limit: the same file is read (and its value still left in the file).
    HeaderCheck.Verdict raised = check(bomb, new HeaderCheck(5000));
    assertNull(raised.rejected(), () -> raised.rejected().reason());

    // An ordinary deflated file (under 1 MiB inflated, whatever its ratio) is accepted by default.
    HeaderCheck.Verdict small = check(deflated(dir.resolve("small.dcm"), 100_000));
    assertNull(small.rejected(), () -> small.rejected().reason());
  }
}
