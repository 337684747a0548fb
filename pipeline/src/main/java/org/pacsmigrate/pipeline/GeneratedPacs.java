package org.pacsmigrate.pipeline;

import static org.pacsmigrate.pipeline.SyntheticElements.us;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * Inputs for measuring the job at scale, with CT-like headers (about 50 attributes), 100 instances per study:
 *
 * <pre>
 *   java -cp dicomweb-migrate.jar org.pacsmigrate.pipeline.GeneratedPacs KIND DIR [N]
 *   small N   N files of 64x64x16-bit (about 9 KB each)
 *   tiny N    N files of 8x8x8-bit (under 1 KB each)
 *   ct        about 1 GB: 1,800 files of 512x512x16-bit and two 100-frame instances, in 6 studies
 *   big N     one study of N GiB: N instances of 2,048 frames of 512x512x16-bit each, written sparse (zeros that
 *             take no disk space; the archive written from them does)
 *   sample    the sample PACS the job generates without --input (SamplePacs.SMALL)
 *   it        the generated PACS of the end-to-end tests (duplicates, rejections, conflicts)
 * </pre>
 *
 * The same arguments always give the same files.
 */
public final class GeneratedPacs {
  private static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
  private static final int PER_STUDY = 100;
  private final Random random = new Random(9);
  private final String kind;

  private GeneratedPacs(String kind) {
    this.kind = kind;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: GeneratedPacs small|tiny|ct|big|sample|it DIR [N]");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2].replace("_", "")) : 0;
    long files = switch (args[0]) {
      case "sample" -> SamplePacs.generate(dir, SamplePacs.SMALL).size();
      case "it" -> SamplePacs.generate(dir, new SamplePacs.Plan(30, 2, 4, 2, 5, 6, 6, 4, 3, 2, 3, 2, 42L)).size();
      case "small" -> new GeneratedPacs("small").images(dir, n, 64, 16, 1);
      case "tiny" -> new GeneratedPacs("tiny").images(dir, n, 8, 8, 1);
      case "ct" -> new GeneratedPacs("ct").ct(dir);
      case "big" -> new GeneratedPacs("big").big(dir, n);
      default -> throw new IllegalArgumentException("unknown kind " + args[0]);
    };
    System.out.println(files + " files in " + dir);
  }

  private long images(Path dir, int n, int size, int bits, int frames) throws IOException {
    for (int i = 0; i < n; i++) {
      write(dir, i / PER_STUDY, 1, i % PER_STUDY, size, bits, frames, true);
    }
    return n;
  }

  private long ct(Path dir) throws IOException {
    int n = 1800;
    for (int i = 0; i < n; i++) {
      write(dir, i / 300, 1, i % 300, 512, 16, 1, true);
    }
    write(dir, 0, 2, 0, 512, 16, 100, true);
    write(dir, 1, 2, 0, 512, 16, 100, true);
    return n + 2;
  }

  private long big(Path dir, int gib) throws IOException {
    for (int i = 0; i < gib; i++) {
      write(dir, 0, 1, i, 512, 16, 2048, false);
    }
    return gib;
  }

  /** One instance; pixel data random (or, not {@code filled}, a sparse run of zeros). */
  private void write(Path dir, int study, int series, int instance, int size, int bits, int frames, boolean filled)
      throws IOException {
    DataSet ds = header(study, series, instance, size, bits, frames);
    long pixelLength = (long) frames * size * size * bits / 8;
    Path path = dir.resolve(String.format("study-%04d/series-%d/IM%05d.dcm", study, series, instance));
    Files.createDirectories(path.getParent());
    if (filled) {
      byte[] pixels = new byte[(int) pixelLength];
      random.nextBytes(pixels);
      ds.put(DicomElement.ofBytes(Tag.PixelData, bits == 16 ? VR.OW : VR.OB, pixels));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(pixels.length + 4096);
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), bytes);
      try (OutputStream out = Files.newOutputStream(path)) {
        bytes.writeTo(out);
      }
      return;
    }
    // The header, then Pixel Data's element header by hand (Explicit VR Little Endian, OW), then a hole.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), bytes);
    ByteBuffer element = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    element.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'W').putShort((short) 0)
        .putInt((int) pixelLength);
    bytes.write(element.array());
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(0);
      file.write(bytes.toByteArray());
      file.setLength(bytes.size() + pixelLength);
    }
  }

  private DataSet header(int study, int series, int instance, int size, int bits, int frames) {
    String day = String.format("2021%02d%02d", 1 + study / 28 % 12, 1 + study % 28);
    DataSet ds = new DataSet();
    text(ds, Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
    text(ds, 0x00080008, VR.CS, "ORIGINAL\\PRIMARY\\AXIAL");
    text(ds, 0x00080012, VR.DA, day);
    text(ds, 0x00080013, VR.TM, String.format("10%02d%02d.%03d", instance / 60 % 60, instance % 60, series));
    uid(ds, Tag.SOPClassUID, CT_IMAGE);
    uid(ds, Tag.SOPInstanceUID, uidOf(study + "/" + series + "/" + instance));
    text(ds, Tag.StudyDate, VR.DA, day);
    text(ds, 0x00080021, VR.DA, day);
    text(ds, 0x00080023, VR.DA, day);
    text(ds, 0x00080030, VR.TM, "100000");
    text(ds, 0x00080031, VR.TM, "100500");
    text(ds, 0x00080033, VR.TM, String.format("1006%02d", instance % 60));
    text(ds, 0x00080050, VR.SH, String.format("A%08d", study));
    text(ds, 0x00080060, VR.CS, "CT");
    text(ds, 0x00080070, VR.LO, "GENERATED MEDICAL SYSTEMS");
    text(ds, 0x00080080, VR.LO, "GENERAL HOSPITAL");
    text(ds, 0x00080090, VR.PN, "REFERRER^ROBERT");
    text(ds, 0x00081030, VR.LO, "CT CHEST WITH CONTRAST");
    text(ds, 0x0008103E, VR.LO, "AXIAL 1.25MM");
    text(ds, 0x00081090, VR.LO, "SCANNER 64");
    text(ds, Tag.PatientName, VR.PN, String.format("PATIENT^%s^%d", kind.toUpperCase(), study));
    text(ds, Tag.PatientID, VR.LO, String.format("PID%07d", study));
    text(ds, 0x00100030, VR.DA, "19600101");
    text(ds, 0x00100040, VR.CS, study % 2 == 0 ? "F" : "M");
    text(ds, 0x00101010, VR.AS, "061Y");
    text(ds, 0x00180015, VR.CS, "CHEST");
    text(ds, 0x00180050, VR.DS, "1.25");
    text(ds, 0x00180060, VR.DS, "120");
    text(ds, 0x00181150, VR.IS, "500");
    text(ds, 0x00181151, VR.IS, "200");
    text(ds, 0x00185100, VR.CS, "HFS");
    uid(ds, Tag.StudyInstanceUID, uidOf(Integer.toString(study)));
    uid(ds, Tag.SeriesInstanceUID, uidOf(study + "/" + series));
    text(ds, 0x00200010, VR.SH, Integer.toString(study));
    text(ds, 0x00200011, VR.IS, Integer.toString(series));
    text(ds, 0x00200013, VR.IS, Integer.toString(instance + 1));
    text(ds, 0x00200032, VR.DS, String.format("-250\\-250\\%d", -instance));
    text(ds, 0x00200037, VR.DS, "1\\0\\0\\0\\1\\0");
    uid(ds, 0x00200052, uidOf(study + "/frame"));
    text(ds, 0x00201041, VR.DS, Integer.toString(-instance));
    ds.put(us(Tag.SamplesPerPixel, 1));
    text(ds, Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
    if (frames > 1) {
      text(ds, Tag.NumberOfFrames, VR.IS, Integer.toString(frames));
    }
    ds.put(us(Tag.Rows, size));
    ds.put(us(Tag.Columns, size));
    text(ds, 0x00280030, VR.DS, "0.78\\0.78");
    ds.put(us(Tag.BitsAllocated, bits));
    ds.put(us(0x00280101, bits == 16 ? 12 : 8));
    ds.put(us(0x00280102, bits == 16 ? 11 : 7));
    ds.put(us(Tag.PixelRepresentation, 0));
    text(ds, 0x00281050, VR.DS, "40");
    text(ds, 0x00281051, VR.DS, "400");
    text(ds, 0x00281052, VR.DS, "-1024");
    text(ds, 0x00281053, VR.DS, "1");
    return ds;
  }

  private static void text(DataSet ds, int tag, VR vr, String value) {
    String v = value.length() % 2 == 1 ? value + " " : value;
    ds.put(DicomElement.ofBytes(tag, vr, v.getBytes(StandardCharsets.ISO_8859_1)));
  }

  private static void uid(DataSet ds, int tag, String value) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    ds.put(DicomElement.ofBytes(tag, VR.UI, b.length % 2 == 1 ? java.util.Arrays.copyOf(b, b.length + 1) : b));
  }

  /** A UID under 2.25 (PS3.5 B.2) from a name. */
  private String uidOf(String name) {
    return SyntheticElements.uidFromName("dicomweb-migrate generated " + kind + " " + name);
  }
}
