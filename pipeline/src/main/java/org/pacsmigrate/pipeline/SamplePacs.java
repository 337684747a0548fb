package org.pacsmigrate.pipeline;

import static org.pacsmigrate.pipeline.SyntheticElements.text;
import static org.pacsmigrate.pipeline.SyntheticElements.uid;
import static org.pacsmigrate.pipeline.SyntheticElements.us;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Generates a small legacy PACS folder with what real ones hold besides good images: a re-sent identical copy,
 * re-sent copies that differ (a corrected attribute, a stripped header), a truncated file, files that are not
 * DICOM, an instance with an unusable UID, and for reconciliation a study whose instances disagree on a value
 * (a warning) and one whose instances carry two PatientIDs (held). Synthetic patients only; the same plan always
 * gives the same bytes. Each file comes back with the outcome the migration must give it, so tests can check
 * every row.
 *
 * <pre>
 * study-01/series-1/IM0001.dcm     the studies (one multi-frame instance in each study's first series)
 * resent/...                       identical and conflicting copies of some instances
 * damaged/...                      truncated copies and unusable UIDs
 * misc/...                         files that are not DICOM
 * </pre>
 */
public final class SamplePacs {
  private static final String MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4";
  private static final String MULTIFRAME_GRAYSCALE_BYTE_SC = "1.2.840.10008.5.1.4.1.1.7.2";
  private static final int STUDY_ID = 0x00200010;
  private static final int SERIES_NUMBER = 0x00200011;
  private static final int INSTANCE_NUMBER = 0x00200013;
  private static final int MODALITY = 0x00080060;
  private static final int STUDY_TIME = 0x00080030;
  private static final int ACCESSION_NUMBER = 0x00080050;
  private static final int SERIES_DESCRIPTION = 0x0008103E;
  private static final int INSTANCE_CREATION_DATE = 0x00080012;
  private static final int INSTANCE_CREATION_TIME = 0x00080013;
  private static final int PATIENT_BIRTH_DATE = 0x00100030;
  private static final int IMAGE_COMMENTS = 0x00204000;
  private static final int BITS_STORED = 0x00280101;
  private static final int HIGH_BIT = 0x00280102;

  /**
   * How much to generate. Series and instance counts vary per study between their bounds; each kind of
   * problem file is spread over different studies.
   *
   * @param valueConflicts studies in which one instance carries another AccessionNumber: one reconciliation
   *     warning each, resolved by majority
   * @param identityConflicts studies in which one instance carries another PatientID: one blocking finding each,
   *     and the study's files are held. These and the value conflicts take the last studies, the other problems
   *     the first ones.
   */
  public record Plan(int studies, int minSeries, int maxSeries, int minInstances, int maxInstances,
      int exactDuplicates, int conflictingDuplicates, int truncatedFiles, int nonDicomFiles, int invalidUidFiles,
      int valueConflicts, int identityConflicts, long seed) {

    public Plan {
      if (studies < 1 || minSeries < 1 || maxSeries < minSeries || minInstances < 1 || maxInstances < minInstances) {
        throw new IllegalArgumentException("a plan needs at least one study, series and instance");
      }
      if (valueConflicts + identityConflicts > studies) {
        throw new IllegalArgumentException("more conflicting studies than studies");
      }
    }

    /** A plan without reconciliation conflicts. */
    public Plan(int studies, int minSeries, int maxSeries, int minInstances, int maxInstances, int exactDuplicates,
        int conflictingDuplicates, int truncatedFiles, int nonDicomFiles, int invalidUidFiles, long seed) {
      this(studies, minSeries, maxSeries, minInstances, maxInstances, exactDuplicates, conflictingDuplicates,
          truncatedFiles, nonDicomFiles, invalidUidFiles, 0, 0, seed);
    }
  }

  /**
   * About 5 studies and 40 files: what the job runs on when no input is given. Reconciliation finds one warning
   * and holds one study.
   */
  public static final Plan SMALL = new Plan(5, 2, 3, 2, 4, 1, 1, 1, 1, 0, 1, 1, 1L);

  /** One generated file and the outcome the migration must give it. */
  public record GeneratedFile(Path path, Outcome expected, String studyUid, String sopInstanceUid) {}

  private final Plan plan;
  private final Random random;
  private final List<GeneratedFile> files = new ArrayList<>();

  private SamplePacs(Plan plan) {
    this.plan = plan;
    this.random = new Random(plan.seed());
  }

  /** Writes the plan's files under {@code dir} (created if needed; same names overwritten). */
  public static List<GeneratedFile> generate(Path dir, Plan plan) throws IOException {
    return new SamplePacs(plan).run(dir);
  }

  private record Instance(Path path, DataSet dataSet) {}

  private List<GeneratedFile> run(Path dir) throws IOException {
    List<List<Instance>> studies = new ArrayList<>();
    for (int s = 1; s <= plan.studies(); s++) {
      studies.add(writeStudy(dir, s));
    }
    // Reconciliation's cases first, so copies made below copy the instance as it ends up.
    List<String> heldStudies = new ArrayList<>();
    for (int i = 0; i < plan.identityConflicts() + plan.valueConflicts(); i++) {
      int s = plan.studies() - 1 - i;
      List<Instance> study = studies.get(s);
      Instance original = study.get(1 % study.size());
      DataSet changed = copyOf(original.dataSet());
      if (i < plan.identityConflicts()) {
        // A second PatientID in the study (a merge gone wrong): blocking, the study is held.
        changed.put(text(Tag.PatientID, VR.LO, String.format("SAMPLE%04dX", s + 1)));
        heldStudies.add(changed.asciiString(Tag.StudyInstanceUID));
      } else {
        // An accession number edited at the modality: a warning; the majority's value is archived.
        changed.put(text(ACCESSION_NUMBER, VR.SH, String.format("ACC%05d-1", s + 1)));
      }
      write(original.path(), changed);
      study.set(study.indexOf(original), new Instance(original.path(), changed));
    }
    int n = 0;
    for (int i = 0; i < plan.exactDuplicates(); i++) {
      Instance original = pick(studies, n++);
      Path copy = dir.resolve("resent").resolve("exact-" + (i + 1) + ".dcm");
      Files.createDirectories(copy.getParent());
      Files.copy(original.path(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      // Identical content: the smallest path is archived, the other is its duplicate.
      boolean copyKept = copy.toString().compareTo(original.path().toString()) < 0;
      replace(original.path(), copyKept ? Outcome.DUPLICATE : Outcome.ARCHIVED);
      record(copy, copyKept ? Outcome.ARCHIVED : Outcome.DUPLICATE, original.dataSet());
    }
    for (int i = 0; i < plan.conflictingDuplicates(); i++) {
      Instance original = pick(studies, n++);
      Path copy = dir.resolve("resent").resolve("conflicting-" + (i + 1) + ".dcm");
      DataSet changed = copyOf(original.dataSet());
      if (i % 2 == 0) {
        // A corrected re-send: same attributes, one value changed, created later: the copy is archived.
        changed.put(text(IMAGE_COMMENTS, VR.LT, "corrected"));
        changed.put(text(INSTANCE_CREATION_TIME, VR.TM, "235959"));
        replace(original.path(), Outcome.DUPLICATE);
        write(copy, changed);
        record(copy, Outcome.ARCHIVED, changed);
      } else {
        // A stripped re-send: fewer attributes, so the original is archived.
        changed.remove(ACCESSION_NUMBER);
        changed.remove(IMAGE_COMMENTS);
        write(copy, changed);
        record(copy, Outcome.DUPLICATE, changed);
      }
    }
    for (int i = 0; i < plan.truncatedFiles(); i++) {
      Instance original = pick(studies, n++);
      byte[] bytes = Files.readAllBytes(original.path());
      Path cut = dir.resolve("damaged").resolve("truncated-" + (i + 1) + ".dcm");
      Files.createDirectories(cut.getParent());
      // Cut inside Pixel Data, as an interrupted transfer leaves a file.
      Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
      record(cut, Outcome.REJECTED, original.dataSet());
    }
    for (int i = 0; i < plan.invalidUidFiles(); i++) {
      Instance original = pick(studies, n++);
      DataSet bad = copyOf(original.dataSet());
      bad.put(uid(Tag.SOPInstanceUID, uidOf("bad-uid/" + i) + ".0" + (i + 1)));
      Path path = dir.resolve("damaged").resolve("invalid-uid-" + (i + 1) + ".dcm");
      write(path, bad);
      record(path, Outcome.REJECTED, bad);
    }
    for (int i = 0; i < plan.nonDicomFiles(); i++) {
      Path path = dir.resolve("misc").resolve(i % 2 == 0 ? "notes-" + (i + 1) + ".txt" : "Thumbs-" + (i + 1) + ".db");
      Files.createDirectories(path.getParent());
      byte[] content = i % 2 == 0
          ? "Scanned request forms are in the paper archive.\n".getBytes(StandardCharsets.US_ASCII)
          : randomBytes(3000);
      Files.write(path, content);
      files.add(new GeneratedFile(path, Outcome.REJECTED, "", ""));
    }
    for (int i = 0; i < files.size(); i++) {
      GeneratedFile f = files.get(i);
      if (f.expected() == Outcome.ARCHIVED && heldStudies.contains(f.studyUid())) {
        files.set(i, new GeneratedFile(f.path(), Outcome.HELD, f.studyUid(), f.sopInstanceUid()));
      }
    }
    return List.copyOf(files);
  }

  private List<Instance> writeStudy(Path dir, int s) throws IOException {
    String studyUid = uidOf("study/" + s);
    LocalDate date = LocalDate.of(2019, 1, 1).plusDays(s * 17L);
    String day = date.format(DateTimeFormatter.BASIC_ISO_DATE);
    int series = between(plan.minSeries(), plan.maxSeries());
    List<Instance> written = new ArrayList<>();
    for (int r = 1; r <= series; r++) {
      String seriesUid = uidOf("study/" + s + "/series/" + r);
      int instances = between(plan.minInstances(), plan.maxInstances());
      for (int i = 1; i <= instances; i++) {
        boolean multiFrame = r == 1 && i == 1;
        DataSet ds = new DataSet();
        ds.put(text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100"));
        ds.put(uid(Tag.SOPClassUID, multiFrame ? MULTIFRAME_GRAYSCALE_BYTE_SC : MR_IMAGE));
        ds.put(uid(Tag.SOPInstanceUID, uidOf("study/" + s + "/series/" + r + "/instance/" + i)));
        ds.put(text(INSTANCE_CREATION_DATE, VR.DA, day));
        ds.put(text(INSTANCE_CREATION_TIME, VR.TM, String.format("12%02d%02d", r, i)));
        ds.put(text(Tag.StudyDate, VR.DA, day));
        ds.put(text(STUDY_TIME, VR.TM, "120000"));
        ds.put(text(ACCESSION_NUMBER, VR.SH, String.format("ACC%05d", s)));
        ds.put(text(MODALITY, VR.CS, "MR")); // the multi-frame secondary capture too: one modality per series
        ds.put(text(SERIES_DESCRIPTION, VR.LO, "SAMPLE SERIES " + r));
        ds.put(text(Tag.PatientName, VR.PN, "SAMPLE^PATIENT" + s));
        ds.put(text(Tag.PatientID, VR.LO, String.format("SAMPLE%04d", s)));
        ds.put(text(PATIENT_BIRTH_DATE, VR.DA, "19700101"));
        ds.put(uid(Tag.StudyInstanceUID, studyUid));
        ds.put(uid(Tag.SeriesInstanceUID, seriesUid));
        ds.put(text(STUDY_ID, VR.SH, Integer.toString(s)));
        ds.put(text(SERIES_NUMBER, VR.IS, Integer.toString(r)));
        ds.put(text(INSTANCE_NUMBER, VR.IS, Integer.toString(i)));
        ds.put(text(IMAGE_COMMENTS, VR.LT, "generated sample"));
        if (multiFrame) {
          image(ds, 6, 32, 32, 8);
        } else {
          image(ds, 1, 64, 64, 16);
        }
        Path path = dir.resolve(String.format("study-%02d", s)).resolve("series-" + r)
            .resolve(String.format("IM%04d.dcm", i));
        write(path, ds);
        record(path, Outcome.ARCHIVED, ds);
        written.add(new Instance(path, ds));
      }
    }
    return written;
  }

  private void image(DataSet ds, int frames, int rows, int columns, int bits) {
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    if (frames > 1) {
      ds.put(text(Tag.NumberOfFrames, VR.IS, Integer.toString(frames)));
    }
    ds.put(us(Tag.Rows, rows));
    ds.put(us(Tag.Columns, columns));
    ds.put(us(Tag.BitsAllocated, bits));
    ds.put(us(BITS_STORED, bits == 16 ? 12 : 8));
    ds.put(us(HIGH_BIT, bits == 16 ? 11 : 7));
    ds.put(us(Tag.PixelRepresentation, 0));
    byte[] pixels = randomBytes(frames * rows * columns * bits / 8);
    if (bits == 16) {
      for (int i = 1; i < pixels.length; i += 2) {
        pixels[i] &= 0x0F; // 12 bits stored
      }
    }
    ds.put(DicomElement.ofBytes(Tag.PixelData, bits == 16 ? VR.OW : VR.OB, pixels));
  }

  /** Spreads problem files over studies and series: the k-th pick takes a different study each time. */
  private static Instance pick(List<List<Instance>> studies, int k) {
    List<Instance> study = studies.get(k % studies.size());
    if (study.size() == 1) {
      return study.get(0);
    }
    // Never the multi-frame instance (index 0), so each study keeps one.
    return study.get(1 + (k / studies.size()) % (study.size() - 1));
  }

  private void replace(Path path, Outcome expected) {
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i).path().equals(path)) {
        GeneratedFile f = files.get(i);
        files.set(i, new GeneratedFile(path, expected, f.studyUid(), f.sopInstanceUid()));
        return;
      }
    }
    throw new IllegalStateException("not generated: " + path);
  }

  private void record(Path path, Outcome expected, DataSet ds) {
    files.add(new GeneratedFile(path, expected, ds.asciiString(Tag.StudyInstanceUID),
        ds.asciiString(Tag.SOPInstanceUID)));
  }

  private int between(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** A UID under 2.25 (PS3.5 B.2) from a name, so the same plan always has the same UIDs. */
  private String uidOf(String name) {
    return SyntheticElements.uidFromName("dicomweb-migrate sample " + plan.seed() + " " + name);
  }

  private static void write(Path path, DataSet ds) throws IOException {
    Files.createDirectories(path.getParent());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), bytes);
    try (OutputStream out = Files.newOutputStream(path)) {
      bytes.writeTo(out);
    }
  }

  private static DataSet copyOf(DataSet ds) {
    DataSet copy = new DataSet();
    ds.elements().forEach(copy::put);
    return copy;
  }
}
