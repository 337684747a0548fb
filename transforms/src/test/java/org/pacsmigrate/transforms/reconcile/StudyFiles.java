package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.model.ParsedInstance;

/** Generated instances for reconciliation tests: small images whose attributes each test sets. */
final class StudyFiles {
  static final String ROOT = "1.2.826.0.1.3680043.10.543.77";
  static final int INSTANCE_CREATION_DATE = 0x00080012;
  static final int INSTANCE_CREATION_TIME = 0x00080013;
  static final int ACCESSION_NUMBER = 0x00080050;
  static final int STUDY_DESCRIPTION = 0x00081030;
  static final int REFERRING_PHYSICIAN_NAME = 0x00080090;
  static final int SERIES_DESCRIPTION = 0x0008103E;
  static final int PATIENT_WEIGHT = 0x00101030;
  static final int PATIENT_ID = Tag.PatientID;
  static final int PATIENT_BIRTH_DATE = 0x00100030;
  static final int PATIENT_SEX = 0x00100040;

  private StudyFiles() {}

  static String study(int s) {
    return ROOT + "." + s;
  }

  static String series(int s, int r) {
    return ROOT + "." + s + "." + r;
  }

  /**
   * An 8x8 image of study {@code s}, series {@code r}, instance {@code i}, created on 2024-03-01 at {@code
   * created} (HHMMSS), with a consistent patient (DOE^JOHN, P1, 19700101, M), study and series.
   */
  static DataSet instance(int s, int r, int i, String created) {
    DataSet ds = new DataSet();
    ds.put(ascii(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100"));
    ds.put(ascii(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7"));
    ds.put(ascii(Tag.SOPInstanceUID, VR.UI, series(s, r) + "." + i));
    ds.put(ascii(INSTANCE_CREATION_DATE, VR.DA, "20240301"));
    ds.put(ascii(INSTANCE_CREATION_TIME, VR.TM, created));
    ds.put(ascii(Tag.StudyDate, VR.DA, "20240301"));
    ds.put(ascii(ACCESSION_NUMBER, VR.SH, "ACC1"));
    ds.put(ascii(Tag.PatientName, VR.PN, "DOE^JOHN"));
    ds.put(ascii(PATIENT_ID, VR.LO, "P1"));
    ds.put(ascii(PATIENT_BIRTH_DATE, VR.DA, "19700101"));
    ds.put(ascii(PATIENT_SEX, VR.CS, "M"));
    ds.put(ascii(SERIES_DESCRIPTION, VR.LO, "SERIES " + r));
    ds.put(ascii(Tag.StudyInstanceUID, VR.UI, study(s)));
    ds.put(ascii(Tag.SeriesInstanceUID, VR.UI, series(s, r)));
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(ascii(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    ds.put(us(Tag.Rows, 8));
    ds.put(us(Tag.Columns, 8));
    ds.put(us(Tag.BitsAllocated, 8));
    ds.put(us(Tag.PixelRepresentation, 0));
    byte[] pixels = new byte[64];
    for (int k = 0; k < pixels.length; k++) {
      pixels[k] = (byte) (s * 31 + r * 7 + i + k);
    }
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, pixels));
    return ds;
  }

  /** Sets a text attribute, encoded in the data set's character set; null removes it. */
  static DataSet set(DataSet ds, int tag, VR vr, String value) {
    if (value == null) {
      ds.remove(tag);
      return ds;
    }
    String[] terms = ds.asciiStrings(Tag.SpecificCharacterSet);
    SpecificCharacterSet cs = terms == null ? SpecificCharacterSet.DEFAULT : SpecificCharacterSet.valueOf(terms);
    byte[] b = cs.encode(value, vr == VR.PN);
    if (b.length % 2 == 1) {
      b = java.util.Arrays.copyOf(b, b.length + 1);
      b[b.length - 1] = ' ';
    }
    ds.put(DicomElement.ofBytes(tag, vr, b));
    return ds;
  }

  /** Sets the raw bytes of a text attribute as given (ISO-8859-1), padding and all. */
  static DataSet raw(DataSet ds, int tag, VR vr, String stored) {
    ds.put(DicomElement.ofBytes(tag, vr, stored.getBytes(StandardCharsets.ISO_8859_1)));
    return ds;
  }

  static ParsedInstance write(Path path, DataSet ds) throws IOException {
    Files.createDirectories(path.getParent());
    try (OutputStream out = Files.newOutputStream(path)) {
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    try (FileChannel ch = FileChannel.open(path)) {
      HeaderCheck.Verdict v = new HeaderCheck().check(path.toString(), Files.size(path), ch);
      if (v.parsed() == null) {
        throw new AssertionError("rejected: " + v.rejected().reason());
      }
      return v.parsed();
    }
  }

  static DicomElement ascii(int tag, VR vr, String value) {
    String v = value.length() % 2 == 1 ? value + (vr == VR.UI ? "\0" : " ") : value;
    return DicomElement.ofBytes(tag, vr, v.getBytes(StandardCharsets.ISO_8859_1));
  }

  static DicomElement us(int tag, int value) {
    return DicomElement.ofBytes(tag, VR.US, new byte[] {(byte) value, (byte) (value >>> 8)});
  }

  /** As the archive step does it: each header read again, the study's changes laid over it (changed instances). */
  static java.util.Map<String, DataSet> published(StudyReconciliation r, List<ParsedInstance> files)
      throws IOException {
    java.util.Map<String, DataSet> out = new java.util.TreeMap<>();
    for (ParsedInstance p : files) {
      org.pacsmigrate.transforms.model.MetadataOverlay changed = r.metadata().get(p.sopInstanceUid());
      if (changed != null) {
        out.put(p.sopInstanceUid(), changed.applyTo(org.pacsmigrate.transforms.io.SourceHeaders.reread(p).dataSet()));
      }
    }
    return out;
  }
}
