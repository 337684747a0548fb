package org.pacsmigrate.format.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;

/** Builds Part 10 files for archive tests with {@link P10Writer} and reads them back with {@link P10Reader}. */
final class TestFiles {
  static final String SC_CLASS = "1.2.840.10008.5.1.4.1.1.7";
  static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
  static final String RLE = "1.2.840.10008.1.2.5";

  private TestFiles() {}

  /** Fragments for the writer: values kept here, handed out as ranges of a pretend source. */
  static final class Fragments implements BulkDataSource {
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    BulkData add(byte[] value) {
      data.write(7);
      long offset = data.size();
      data.writeBytes(value);
      return new BulkData(offset, value.length);
    }

    @Override
    public void copy(ElementPath path, VR vr, BulkData range, OutputStream out) throws IOException {
      byte[] all = data.toByteArray();
      out.write(Arrays.copyOfRange(all, (int) range.offset(), (int) range.end()));
    }
  }

  static DicomElement text(int tag, VR vr, String value) {
    return DicomElement.ofBytes(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  static DicomElement us(int tag, int value) {
    return DicomElement.ofBytes(tag, VR.US, new byte[] {(byte) value, (byte) (value >> 8)});
  }

  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed + (i >>> 8));
    }
    return b;
  }

  static DataSet item(DicomElement... elements) {
    DataSet d = new DataSet();
    for (DicomElement e : elements) {
      d.put(e);
    }
    return d;
  }

  static DataSet instance(String study, String series, String sop) {
    return item(
        text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100"),
        text(Tag.SOPClassUID, VR.UI, SC_CLASS),
        text(Tag.SOPInstanceUID, VR.UI, sop),
        text(Tag.StudyDate, VR.DA, "20240131"),
        text(0x00080060, VR.CS, "OT"),
        text(Tag.PatientName, VR.PN, "Doe^Jane"),
        text(Tag.PatientID, VR.LO, "PID-17"),
        text(Tag.StudyInstanceUID, VR.UI, study),
        text(Tag.SeriesInstanceUID, VR.UI, series),
        text(0x00200013, VR.IS, "1"));
  }

  /** Native image geometry; Pixel Data itself is added by the caller. */
  static DataSet image(DataSet ds, int rows, int columns, int bitsAllocated, int frames) {
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    if (frames > 1) {
      ds.put(text(Tag.NumberOfFrames, VR.IS, Integer.toString(frames)));
    }
    ds.put(us(Tag.Rows, rows));
    ds.put(us(Tag.Columns, columns));
    ds.put(us(Tag.BitsAllocated, bitsAllocated));
    ds.put(us(0x00280101, bitsAllocated));
    ds.put(us(0x00280102, bitsAllocated - 1));
    ds.put(us(Tag.PixelRepresentation, 0));
    return ds;
  }

  /** Encapsulated Pixel Data; {@code frames} lists each frame's fragments. */
  static void encapsulated(DataSet ds, Fragments source, boolean offsetTable, List<List<byte[]>> frames) {
    List<BulkData> fragments = new java.util.ArrayList<>();
    ByteBuffer table = ByteBuffer.allocate(offsetTable ? 4 * frames.size() : 0).order(ByteOrder.LITTLE_ENDIAN);
    long offset = 0;
    for (List<byte[]> frame : frames) {
      if (offsetTable) {
        table.putInt((int) offset);
      }
      for (byte[] fragment : frame) {
        fragments.add(source.add(fragment));
        offset += 8 + fragment.length;
      }
    }
    ds.put(DicomElement.ofFragments(Tag.PixelData, VR.OB, table.array(), fragments));
  }

  static Path write(Path dir, String name, DataSet ds, TransferSyntax syntax, BulkDataSource source)
      throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      new P10Writer().write(ds, syntax, source, out);
    }
    return file;
  }

  static ArchiveInstance read(Path file) throws IOException {
    DicomFile parsed = new P10Reader().read(file);
    return new ArchiveInstance(parsed, SourceOpener.of(file));
  }
}
