package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pacsmigrate.format.dicom.ElementDictionary;
import org.pacsmigrate.format.dicom.Tag;

/**
 * The attributes reconciliation compares, and at which level. The list lives in one documented place, the
 * resource {@value #RESOURCE} next to this class (patient, study and series levels, one keyword per line); an
 * operator can pass another file of the same form ({@code --reconciliationAttributes}).
 *
 * <p>What is identity is fixed, not configured: PatientID and IssuerOfPatientID differing within a study, or
 * PatientName and PatientBirthDate both differing, hold the study. The cross-study check always looks at
 * PatientName, PatientBirthDate and PatientSex of one PatientID and issuer.
 */
public final class ReconciliationRules implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String RESOURCE = "reconciliation-attributes.tsv";

  public static final int PATIENT_NAME = Tag.PatientName;
  public static final int PATIENT_ID = Tag.PatientID;
  public static final int ISSUER_OF_PATIENT_ID = 0x00100021;
  public static final int PATIENT_BIRTH_DATE = 0x00100030;
  public static final int PATIENT_SEX = 0x00100040;

  /** Attributes whose difference within a study is an identity conflict on its own. */
  static final Set<Integer> IDENTITY = Set.of(PATIENT_ID, ISSUER_OF_PATIENT_ID);
  /** Attributes that, when both differ within a study, are an identity conflict. */
  static final Set<Integer> IDENTITY_TOGETHER = Set.of(PATIENT_NAME, PATIENT_BIRTH_DATE);

  /** Keys of the study and its parts: never reconciled. */
  private static final Set<Integer> NOT_RECONCILABLE = Set.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID,
      Tag.SOPInstanceUID, Tag.SOPClassUID, Tag.SpecificCharacterSet, 0x04000561);

  /** One compared attribute. */
  public record Attribute(Level level, int tag, String keyword) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final List<Attribute> attributes;
  private final String source;

  private ReconciliationRules(List<Attribute> attributes, String source) {
    this.attributes = List.copyOf(attributes);
    this.source = source;
  }

  /** The project's list, {@value #RESOURCE}. */
  public static ReconciliationRules standard() {
    try (InputStream in = ReconciliationRules.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An operator's list, in the same form as {@value #RESOURCE}. */
  public static ReconciliationRules load(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * @param source names the text in error messages
   * @throws IllegalArgumentException naming the line of an unknown level or keyword, or a repeated keyword
   */
  public static ReconciliationRules parse(String text, String source) {
    List<Attribute> attributes = new ArrayList<>();
    Map<Integer, Integer> seen = new HashMap<>();
    List<String> errors = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int n = i + 1;
      String[] f = line.split("\\s+");
      if (f.length != 2) {
        errors.add("line " + n + ": expected a level and a keyword separated by a tab");
        continue;
      }
      Level level;
      try {
        level = Level.ofLabel(f[0]);
      } catch (IllegalArgumentException e) {
        errors.add("line " + n + ": " + e.getMessage());
        continue;
      }
      if (level.acrossStudies()) {
        errors.add("line " + n + ": the level is patient, study or series");
        continue;
      }
      int tag = ElementDictionary.standard().tagOf(f[1]);
      if (tag == -1) {
        errors.add("line " + n + ": '" + f[1] + "' is not a keyword of the data dictionary");
        continue;
      }
      if (NOT_RECONCILABLE.contains(tag) || Tag.isGroupLength(tag) || Tag.group(tag) == 0x0002
          || Tag.isPixelData(tag)) {
        errors.add("line " + n + ": " + f[1] + " cannot be reconciled");
        continue;
      }
      Integer before = seen.putIfAbsent(tag, n);
      if (before != null) {
        errors.add("line " + n + ": " + f[1] + " is already listed on line " + before);
        continue;
      }
      attributes.add(new Attribute(level, tag, f[1]));
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("reconciliation attributes " + source + ": " + String.join("; ", errors));
    }
    return new ReconciliationRules(attributes, source);
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  public List<Attribute> at(Level level) {
    return attributes.stream().filter(a -> a.level() == level).toList();
  }

  /** The listed attribute with this keyword, or null. */
  public Attribute byKeyword(String keyword) {
    for (Attribute a : attributes) {
      if (a.keyword().equals(keyword)) {
        return a;
      }
    }
    return null;
  }

  /** Where the list came from (the resource or a file). */
  public String source() {
    return source;
  }
}
