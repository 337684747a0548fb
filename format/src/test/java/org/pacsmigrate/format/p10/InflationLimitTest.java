package org.pacsmigrate.format.p10;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/** Issue 10: a deflated data set is inflated only as far as the limit, by the reader and by the copier. */
class InflationLimitTest {
  @TempDir Path dir;

  /** Deflated Explicit VR Little Endian with {@code zeros} zero bytes in a private OB value. */
  private Path deflated(int zeros) throws IOException {
    DataSet ds = new DataSet();
    ds.put(DicomElement.ofBytes(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7\0".getBytes(US_ASCII)));
    ds.put(DicomElement.ofBytes(Tag.SOPInstanceUID, VR.UI, "1.2.3.4\0".getBytes(US_ASCII)));
    ds.put(DicomElement.ofBytes(0x00091011, VR.OB, new byte[zeros]));
    TransferSyntax named = new TransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid(), "plain",
        true, false, false, false, null);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    new P10Writer().write(ds, named, BulkDataSource.none(), plain);
    byte[] b = plain.toByteArray();
    int start = 132 + 12 + (int) P10Reader.u32le(b, 140);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, start);
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9, true))) {
      d.write(b, start, b.length - start);
    }
    return Files.write(dir.resolve("d" + zeros + ".dcm"), out.toByteArray());
  }

  @Test
  void theReaderStopsAtTheRatioAndSaysSo() throws IOException {
    Path bomb = deflated(8 << 20);
    long size = Files.size(bomb);
    DicomParseException e = assertThrows(DicomParseException.class, () -> new P10Reader().read(bomb));
    assertTrue(e.reason().startsWith("deflated data set of "), e.reason());
    assertTrue(e.reason().contains("the limit is 200:1"), e.reason());
    // Never more than the limit (and a buffer) inflated before it stops.
    assertTrue(e.offset() <= InflationGuard.limitFor(size, 200) + 1, "stopped at " + e.offset());
    DicomFile read = new P10Reader(P10Reader.DEFAULT_BULK_THRESHOLD, 100_000).read(bomb);
    assertEquals(8 << 20, read.dataSet().get(0x00091011).bulk().length());
  }

  @Test
  void theCopierNeverInflatesPastWhatTheHeaderReadRecorded() throws IOException {
    Path file = deflated(5000);
    DicomFile read = new P10Reader().read(file);
    BulkData value = read.dataSet().get(0x00091011).bulk();
    try (BulkDataReader r = BulkDataReader.open(file, read)) {
      assertEquals(5000, r.read(value).length);
      DicomParseException e = assertThrows(DicomParseException.class,
          () -> r.read(new BulkData(value.offset(), value.length() + 1_000_000)));
      assertTrue(e.reason().contains("lies past the inflated data set the header was read from"), e.reason());
    }
  }
}
