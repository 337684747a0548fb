package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.model.ParsedInstance;

/** Small synthetic instances written as Part 10 files, for the transforms' tests. */
public final class TestDicom {
  public static final String STUDY = "1.2.826.0.1.3680043.10.543.1";
  public static final String SERIES = "1.2.826.0.1.3680043.10.543.1.1";
  static final int INSTANCE_CREATION_DATE = 0x00080012;
  static final int INSTANCE_CREATION_TIME = 0x00080013;
  static final int IMAGE_COMMENTS = 0x00204000;

  private TestDicom() {}

  /** An 8x8 16-bit image whose pixels are {@code pixel} everywhere. */
  public static DataSet image(String sopUid, int pixel) {
    DataSet ds = new DataSet();
    ds.put(text(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.4"));
    ds.put(text(Tag.SOPInstanceUID, VR.UI, sopUid));
    ds.put(text(Tag.PatientName, VR.PN, "TEST^PATIENT"));
    ds.put(text(Tag.StudyInstanceUID, VR.UI, STUDY));
    ds.put(text(Tag.SeriesInstanceUID, VR.UI, SERIES));
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    ds.put(us(Tag.Rows, 32));
    ds.put(us(Tag.Columns, 32));
    ds.put(us(Tag.BitsAllocated, 16));
    ds.put(us(Tag.PixelRepresentation, 0));
    byte[] pixels = new byte[32 * 32 * 2];
    for (int i = 0; i < pixels.length; i += 2) {
      pixels[i] = (byte) pixel;
    }
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, pixels));
    return ds;
  }

  public static Path write(Path path, DataSet ds) throws IOException {
    Files.createDirectories(path.getParent());
    try (OutputStream out = Files.newOutputStream(path)) {
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    return path;
  }

  public static ParsedInstance parse(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path)) {
      HeaderCheck.Verdict v = new HeaderCheck().check(path.toString(), Files.size(path), ch);
      if (v.parsed() == null) {
        throw new AssertionError("rejected: " + v.rejected().reason());
      }
      return v.parsed();
    }
  }

  public static DicomElement text(int tag, VR vr, String value) {
    return DicomElement.ofBytes(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  public static DicomElement us(int tag, int value) {
    return DicomElement.ofBytes(tag, VR.US, new byte[] {(byte) value, (byte) (value >>> 8)});
  }
}
