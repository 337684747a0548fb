package org.pacsmigrate.pipeline;

import static org.pacsmigrate.pipeline.SyntheticElements.text;
import static org.pacsmigrate.pipeline.SyntheticElements.uid;
import static org.pacsmigrate.pipeline.SyntheticElements.us;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * The benchmark's inputs, generated the same way every time (UIDs from names, pixels from a fixed seed): only
 * good instances, so every file is archived and the figures measure the job's steady path.
 *
 * <ul>
 *   <li>{@link #small}: MR-like 64x64x16-bit instances (about 8 KB of pixels, 12 KB a file), 100 per study;
 *   <li>{@link #large}: CT-like 512x512x16-bit instances (512 KB of pixels) and two multi-frame instances of
 *       up to 100 such frames, about the given size in all;
 *   <li>{@link #tiny}: 8x8x16-bit instances (a few hundred bytes), 100 per study, for the file-count limits.
 * </ul>
 */
final class BenchInputs {
  private static final String MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4";
  private static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
  private static final String ENHANCED_CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2.1";
  private static final int PER_STUDY = 100;
  private static final int CT_FRAME = 512 * 512 * 2;
  private static final int MULTIFRAME_FRAMES = 100;

  /** What was written: the number of files and their total size. */
  record Written(long files, long bytes) {}

  /** Pixels are slices of this block at varying offsets: cheap to make, never all zero, always the same. */
  private final byte[] noise;
  private long files;
  private long bytes;

  private BenchInputs() {
    noise = new byte[2 * CT_FRAME * 2];
    new Random(9L).nextBytes(noise);
    for (int i = 1; i < noise.length; i += 2) {
      noise[i] &= 0x0F; // 12 bits stored
    }
  }

  static Written small(Path dir, int count) throws IOException {
    return new BenchInputs().images(dir, "small", count, 64, MR_IMAGE, "MR");
  }

  static Written tiny(Path dir, int count) throws IOException {
    return new BenchInputs().images(dir, "tiny", count, 8, MR_IMAGE, "MR");
  }

  /**
   * About {@code megabytes} MB: two multi-frame instances (100 frames each, fewer when the size is small) and as
   * many single-frame CT instances as fill the rest, 100 per study.
   */
  static Written large(Path dir, int megabytes) throws IOException {
    BenchInputs g = new BenchInputs();
    long target = megabytes * 1_000_000L;
    int frames = (int) Math.max(1, Math.min(MULTIFRAME_FRAMES, target / 4 / CT_FRAME));
    for (int m = 1; m <= 2; m++) {
      DataSet ds = g.header("large/multiframe", 1, m, ENHANCED_CT_IMAGE, "CT");
      g.pixels(ds, 512, frames, m);
      g.write(dir.resolve("multiframe").resolve(String.format("MF%d.dcm", m)), ds);
    }
    int i = 0;
    while (g.bytes + CT_FRAME / 2 < target) {
      int study = i / PER_STUDY + 1;
      DataSet ds = g.header("large", study, i % PER_STUDY + 1, CT_IMAGE, "CT");
      g.pixels(ds, 512, 1, i);
      g.write(dir.resolve(String.format("study-%05d", study)).resolve(String.format("CT%05d.dcm", i + 1)), ds);
      i++;
    }
    return new Written(g.files, g.bytes);
  }

  private Written images(Path dir, String kind, int count, int size, String sopClass, String modality)
      throws IOException {
    for (int i = 0; i < count; i++) {
      int study = i / PER_STUDY + 1;
      DataSet ds = header(kind, study, i % PER_STUDY + 1, sopClass, modality);
      pixels(ds, size, 1, i);
      write(dir.resolve(String.format("study-%05d", study)).resolve(String.format("IM%07d.dcm", i + 1)), ds);
    }
    return new Written(files, bytes);
  }

  /** A plausible header: one patient per study, one series per study. */
  private DataSet header(String kind, int study, int instance, String sopClass, String modality) {
    String studyUid = uidOf(kind + "/study/" + study);
    DataSet ds = new DataSet();
    ds.put(text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100"));
    ds.put(uid(Tag.SOPClassUID, sopClass));
    ds.put(uid(Tag.SOPInstanceUID, uidOf(kind + "/study/" + study + "/instance/" + instance)));
    ds.put(text(0x00080012, VR.DA, "20240101")); // InstanceCreationDate
    ds.put(text(0x00080013, VR.TM, String.format("12%04d", instance % 10000))); // InstanceCreationTime
    ds.put(text(Tag.StudyDate, VR.DA, "20240101"));
    ds.put(text(0x00080030, VR.TM, "120000")); // StudyTime
    ds.put(text(0x00080050, VR.SH, String.format("BENCH%06d", study))); // AccessionNumber
    ds.put(text(0x00080060, VR.CS, modality)); // Modality
    ds.put(text(0x0008103E, VR.LO, "BENCH SERIES")); // SeriesDescription
    ds.put(text(Tag.PatientName, VR.PN, "BENCH^PATIENT" + study));
    ds.put(text(Tag.PatientID, VR.LO, String.format("BENCH%06d", study)));
    ds.put(text(0x00100030, VR.DA, "19700101")); // PatientBirthDate
    ds.put(uid(Tag.StudyInstanceUID, studyUid));
    ds.put(uid(Tag.SeriesInstanceUID, uidOf(kind + "/study/" + study + "/series/1")));
    ds.put(text(0x00200010, VR.SH, Integer.toString(study % 100000))); // StudyID
    ds.put(text(0x00200011, VR.IS, "1")); // SeriesNumber
    ds.put(text(0x00200013, VR.IS, Integer.toString(instance))); // InstanceNumber
    return ds;
  }

  private void pixels(DataSet ds, int size, int frames, int seed) {
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    if (frames > 1) {
      ds.put(text(Tag.NumberOfFrames, VR.IS, Integer.toString(frames)));
    }
    ds.put(us(Tag.Rows, size));
    ds.put(us(Tag.Columns, size));
    ds.put(us(Tag.BitsAllocated, 16));
    ds.put(us(0x00280101, 12)); // BitsStored
    ds.put(us(0x00280102, 11)); // HighBit
    ds.put(us(Tag.PixelRepresentation, 0));
    int frame = size * size * 2;
    byte[] pixels = new byte[frame * frames];
    for (int f = 0; f < frames; f++) {
      // An even offset keeps each 16-bit sample's high byte where the 12-bit mask left it.
      int from = (int) ((((long) seed * 7919 + f * 104729L) % (noise.length - frame)) & ~1L);
      System.arraycopy(noise, from, pixels, f * frame, frame);
    }
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, pixels));
  }

  private void write(Path path, DataSet ds) throws IOException {
    Files.createDirectories(path.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    files++;
    bytes += Files.size(path);
  }

  /** A UID under 2.25 (PS3.5 B.2) from a name, so the same size always gives the same UIDs. */
  private static String uidOf(String name) {
    return SyntheticElements.uidFromName("dicomweb-migrate bench " + name);
  }
}
