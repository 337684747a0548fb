package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;

/**
 * What a reviewer recognises a study by, on the review page: the patient's name, ID and birth date, the study
 * date, accession, modalities and description as the archive will carry them (for a held study, as the rules
 * suggest), and how many series and instances it has. One small record per study with findings; patient data.
 */
public record StudyContext(String studyUid, String patientName, String patientId, String birthDate,
    String studyDate, String accession, String modalities, String description, int series, int instances,
    boolean held) {

  static final int ACCESSION_NUMBER = 0x00080050;
  static final int MODALITY = 0x00080060;
  static final int STUDY_DESCRIPTION = 0x00081030;

  /**
   * @param dataSets the study's instances as read (sorted by path; the first one's values are shown)
   * @param charsets each data set's character set
   * @param findings the study's findings: their chosen values replace the source's
   */
  static StudyContext of(String studyUid, List<DataSet> dataSets, List<SpecificCharacterSet> charsets,
      List<Finding> findings, boolean held) {
    Map<Integer, String> chosen = new TreeMap<>();
    for (Finding f : findings) {
      if (f.level() == Level.PATIENT || f.level() == Level.STUDY) {
        chosen.put(f.tag(), f.chosen());
      }
    }
    DataSet first = dataSets.get(0);
    SpecificCharacterSet cs = charsets.get(0);
    TreeSet<String> modalities = new TreeSet<>();
    TreeSet<String> series = new TreeSet<>();
    for (int i = 0; i < dataSets.size(); i++) {
      String m = text(dataSets.get(i), MODALITY, charsets.get(i));
      if (m != null && !m.isBlank()) {
        modalities.add(m.strip());
      }
      String s = dataSets.get(i).asciiString(Tag.SeriesInstanceUID);
      series.add(s == null ? "" : s);
    }
    return new StudyContext(studyUid, value(first, Tag.PatientName, cs, chosen),
        value(first, ReconciliationRules.PATIENT_ID, cs, chosen),
        value(first, ReconciliationRules.PATIENT_BIRTH_DATE, cs, chosen), value(first, Tag.StudyDate, cs, chosen),
        value(first, ACCESSION_NUMBER, cs, chosen), String.join("\\", modalities),
        value(first, STUDY_DESCRIPTION, cs, chosen), series.size(), dataSets.size(), held);
  }

  private static String value(DataSet ds, int tag, SpecificCharacterSet cs, Map<Integer, String> chosen) {
    if (chosen.containsKey(tag)) {
      return chosen.get(tag);
    }
    return text(ds, tag, cs);
  }

  private static String text(DataSet ds, int tag, SpecificCharacterSet cs) {
    DicomElement e = ds.get(tag);
    return e == null || !ValueText.inMemory(e) ? null : ValueText.display(e, cs);
  }

  public static final class Coder extends CustomCoder<StudyContext> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StudyContext c, OutputStream out) throws IOException {
      STRING.encode(c.studyUid(), out);
      NULLABLE.encode(c.patientName(), out);
      NULLABLE.encode(c.patientId(), out);
      NULLABLE.encode(c.birthDate(), out);
      NULLABLE.encode(c.studyDate(), out);
      NULLABLE.encode(c.accession(), out);
      STRING.encode(c.modalities(), out);
      NULLABLE.encode(c.description(), out);
      VarIntCoder.of().encode(c.series(), out);
      VarIntCoder.of().encode(c.instances(), out);
      BooleanCoder.of().encode(c.held(), out);
    }

    @Override
    public StudyContext decode(InputStream in) throws IOException {
      return new StudyContext(STRING.decode(in), NULLABLE.decode(in), NULLABLE.decode(in), NULLABLE.decode(in),
          NULLABLE.decode(in), NULLABLE.decode(in), STRING.decode(in), NULLABLE.decode(in),
          VarIntCoder.of().decode(in), VarIntCoder.of().decode(in), BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
