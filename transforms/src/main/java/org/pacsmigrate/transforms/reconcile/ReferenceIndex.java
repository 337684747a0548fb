package org.pacsmigrate.transforms.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pacsmigrate.format.dicom.ElementDictionary;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.reports.Csv;

/**
 * The hospital's master patient index and/or RIS export ({@code --reference=FILE}), parsed and checked: a CSV
 * whose header row names DICOM keywords of patient- and study-level attributes reconciliation compares, plus
 * {@value #MERGED_INTO}.
 *
 * <ul>
 *   <li>A row without an AccessionNumber is a <b>patient row</b>, keyed by PatientID (and IssuerOfPatientID when
 *       the file has that column). Its patient-level values are the patient's. {@value #MERGED_INTO} says the
 *       PatientID was merged into another (the survivor, a patient row of the same issuer): studies of the
 *       merged ID get the survivor's ID and values. Merges may chain; a chain that loops is an error.</li>
 *   <li>A row with an AccessionNumber is a <b>study row</b>, keyed by it: its study-level values are the
 *       study's. Its patient-level columns are not used (the patient rows are the index of patients).</li>
 *   <li>An empty cell gives no value (the attribute is left to the rules).</li>
 * </ul>
 *
 * Anything wrong (an unknown column, a value invalid for its VR, two rows with one key, a merge into an ID the file
 * does not list, a merge chain that loops) is an {@link IllegalArgumentException} naming every bad line, never a
 * value. Rows are kept as arrays of strings (one per column) so that a 10^6-row index stays a few hundred MB.
 */
public final class ReferenceIndex {
  public static final String MERGED_INTO = "MergedIntoPatientID";
  public static final int ACCESSION_NUMBER = 0x00080050;

  private final String source;
  private final int[] tags; // by column; -1 for MergedIntoPatientID
  private final Level[] levels; // by column
  private final int patientIdColumn;
  private final int issuerColumn;
  private final int accessionColumn;
  private final int mergedColumn;
  private final Map<String, String[]> patients; // patient key -> the survivor's row (merges resolved)
  private final Map<String, String[]> studies; // accession -> row

  private ReferenceIndex(String source, int[] tags, Level[] levels, int patientIdColumn, int issuerColumn,
      int accessionColumn, int mergedColumn, Map<String, String[]> patients, Map<String, String[]> studies) {
    this.source = source;
    this.tags = tags;
    this.levels = levels;
    this.patientIdColumn = patientIdColumn;
    this.issuerColumn = issuerColumn;
    this.accessionColumn = accessionColumn;
    this.mergedColumn = mergedColumn;
    this.patients = patients;
    this.studies = studies;
  }

  /**
   * @param source names the file in error messages
   * @throws IllegalArgumentException naming each bad line
   */
  public static ReferenceIndex parse(String text, String source, ReconciliationRules rules) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String prefix = "reference " + source + ": ";
    List<String> records = Csv.records(text);
    if (records.isEmpty() || records.get(0).isBlank()) {
      throw new IllegalArgumentException(prefix + "empty; the first line names the columns (DICOM keywords, such as "
          + "PatientID,PatientName,PatientBirthDate,PatientSex, and " + MERGED_INTO + ")");
    }
    List<String> header = Csv.parseLine(records.get(0)).stream().map(String::strip).toList();
    int n = header.size();
    int[] tags = new int[n];
    Level[] levels = new Level[n];
    List<String> errors = new ArrayList<>();
    Map<String, Integer> columns = new HashMap<>();
    for (int c = 0; c < n; c++) {
      String name = header.get(c);
      if (columns.putIfAbsent(name, c) != null) {
        errors.add("line 1: column " + (c + 1) + " repeats " + safe(name));
        continue;
      }
      if (name.equals(MERGED_INTO)) {
        tags[c] = -1;
        levels[c] = Level.PATIENT;
        continue;
      }
      ReconciliationRules.Attribute a = rules.byKeyword(name);
      VR vr = a == null ? null : ElementDictionary.standard().vrOf(a.tag());
      if (a == null || a.level() == Level.SERIES || vr == null || !vr.isText()) {
        errors.add("line 1: unknown column " + safe(name) + " (a column is " + MERGED_INTO + " or the keyword of a "
            + "patient- or study-level text attribute that reconciliation compares, see " + rules.source() + ")");
        continue;
      }
      tags[c] = a.tag();
      levels[c] = a.level();
    }
    int patientId = header.indexOf("PatientID");
    int issuer = header.indexOf("IssuerOfPatientID");
    int accession = header.indexOf("AccessionNumber");
    int merged = header.indexOf(MERGED_INTO);
    if (patientId < 0 && accession < 0) {
      errors.add("line 1: a PatientID or an AccessionNumber column is needed");
    }
    if (merged >= 0 && patientId < 0) {
      errors.add("line 1: " + MERGED_INTO + " needs a PatientID column");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(prefix + String.join("; ", errors));
    }

    Map<String, String[]> patientRows = new HashMap<>();
    Map<String, Integer> patientLines = new HashMap<>();
    Map<String, String[]> studyRows = new HashMap<>();
    Map<String, Integer> studyLines = new HashMap<>();
    int line = 1;
    for (String record : records.subList(1, records.size())) {
      int breaks = (int) record.chars().filter(ch -> ch == '\n').count();
      int at = line + 1;
      line += 1 + breaks;
      if (record.isBlank()) {
        continue;
      }
      List<String> f;
      try {
        f = Csv.parseLine(record);
      } catch (IllegalArgumentException e) {
        errors.add("line " + at + ": " + e.getMessage());
        continue;
      }
      if (f.size() != n) {
        errors.add("line " + at + ": " + f.size() + " fields, expected " + n);
        continue;
      }
      String[] row = new String[n];
      boolean ok = true;
      for (int c = 0; c < n; c++) {
        row[c] = f.get(c).strip().isEmpty() ? null : f.get(c).strip();
        if (row[c] != null && tags[c] != -1) {
          String problem = ValueText.invalid(ElementDictionary.standard().vrOf(tags[c]), row[c]);
          if (problem != null) {
            errors.add("line " + at + ": " + header.get(c) + ": " + problem);
            ok = false;
          }
        }
      }
      if (!ok) {
        continue;
      }
      String acc = accession < 0 ? null : row[accession];
      if (acc != null) {
        if (merged >= 0 && row[merged] != null) {
          errors.add("line " + at + ": " + MERGED_INTO + " belongs on a patient row (one without AccessionNumber)");
          continue;
        }
        Integer before = studyLines.putIfAbsent(acc, at);
        if (before != null) {
          errors.add("line " + at + ": the same AccessionNumber as line " + before);
          continue;
        }
        studyRows.put(acc, row);
      } else {
        if (patientId < 0 || row[patientId] == null) {
          errors.add("line " + at + ": neither a PatientID nor an AccessionNumber");
          continue;
        }
        String key = key(row[patientId], issuer < 0 ? null : row[issuer]);
        Integer before = patientLines.putIfAbsent(key, at);
        if (before != null) {
          errors.add("line " + at + ": the same PatientID" + (issuer < 0 ? "" : " and issuer") + " as line " + before);
          continue;
        }
        patientRows.put(key, row);
      }
    }
    // Merges: each merged row points at its survivor; chains are followed, loops refused.
    Map<String, String[]> survivors = new HashMap<>(patientRows.size() * 2);
    if (merged >= 0) {
      for (Map.Entry<String, String[]> e : new TreeMap<>(patientRows).entrySet()) {
        String[] row = e.getValue();
        Set<String> chain = new LinkedHashSet<>();
        String key = e.getKey();
        String[] at = row;
        String repeated = null;
        while (at != null && at[merged] != null) {
          if (!chain.add(key)) {
            repeated = key;
            break;
          }
          key = key(at[merged], issuer < 0 ? null : at[issuer]);
          at = patientRows.get(key);
        }
        int line0 = patientLines.get(e.getKey());
        if (at == null) {
          errors.add("line " + line0 + ": merged into a PatientID the reference does not list as a patient row");
        } else if (at[merged] != null) {
          List<Integer> lines = chain.stream().map(patientLines::get).toList();
          errors.add("line " + line0 + ": the merge chain loops (lines " + join(lines) + " -> "
              + patientLines.get(repeated) + ")");
        } else {
          survivors.put(e.getKey(), at);
        }
      }
    } else {
      survivors.putAll(patientRows);
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(prefix + String.join("; ", errors));
    }
    return new ReferenceIndex(source, tags, levels, patientId, issuer, accession, merged, survivors, studyRows);
  }

  private static String join(List<Integer> lines) {
    StringBuilder b = new StringBuilder();
    for (int l : lines) {
      b.append(b.length() == 0 ? "" : " -> ").append(l);
    }
    return b.toString();
  }

  /** A column name, quoted only when it looks like a keyword (a shifted header could hold patient data). */
  private static String safe(String name) {
    return name.matches("[A-Za-z0-9]{1,64}") ? "'" + name + "'" : "(not a keyword)";
  }

  private static String key(String patientId, String issuer) {
    return patientId + "\u0000" + (issuer == null ? "" : issuer);
  }

  public String source() {
    return source;
  }

  public int patients() {
    return patients.size();
  }

  public int studies() {
    return studies.size();
  }

  /**
   * What the reference says about one study.
   *
   * @param values by tag, the values the reference gives for the study (patient-level ones only when its
   *     patient is identified: {@code identified})
   * @param patientChecked the reference lists patients (a PatientID column and patient rows)
   * @param patientFound some PatientID of the study is in the reference
   * @param identified every PatientID of the study is in the reference, and they lead to one survivor
   * @param accessionChecked the reference lists accessions
   * @param accessionFound the study's AccessionNumber is in the reference
   */
  public record Decision(Map<Integer, String> values, boolean patientChecked, boolean patientFound,
      boolean identified, boolean accessionChecked, boolean accessionFound) {}

  /**
   * @param patientIds the PatientID of each instance (null or empty when absent)
   * @param issuers the IssuerOfPatientID of each instance, in the same order
   * @param accessions the AccessionNumber of each instance
   */
  public Decision decide(List<String> patientIds, List<String> issuers, List<String> accessions) {
    Map<Integer, String> values = new LinkedHashMap<>();
    boolean patientChecked = patientIdColumn >= 0 && !patients.isEmpty();
    Set<String[]> found = new LinkedHashSet<>();
    boolean unknown = false;
    for (int i = 0; i < patientIds.size(); i++) {
      String id = patientIds.get(i) == null ? "" : patientIds.get(i).strip();
      if (id.isEmpty()) {
        continue;
      }
      String issuer = issuerColumn < 0 || issuers.get(i) == null ? null : issuers.get(i).strip();
      String[] row = patients.get(key(id, issuer == null || issuer.isEmpty() ? null : issuer));
      if (row == null) {
        unknown = true;
      } else {
        found.add(row);
      }
    }
    boolean identified = found.size() == 1 && !unknown;
    if (identified) {
      String[] row = found.iterator().next();
      for (int c = 0; c < tags.length; c++) {
        if (tags[c] != -1 && levels[c] == Level.PATIENT && row[c] != null) {
          values.put(tags[c], row[c]);
        }
      }
    }
    boolean accessionChecked = accessionColumn >= 0 && !studies.isEmpty();
    Set<String[]> studyRows = new LinkedHashSet<>();
    for (String a : accessions) {
      String[] row = a == null ? null : studies.get(a.strip());
      if (row != null) {
        studyRows.add(row);
      }
    }
    if (studyRows.size() == 1) {
      String[] row = studyRows.iterator().next();
      for (int c = 0; c < tags.length; c++) {
        if (tags[c] != -1 && levels[c] == Level.STUDY && row[c] != null) {
          values.put(tags[c], row[c]);
        }
      }
    }
    return new Decision(values, patientChecked, !found.isEmpty(), identified, accessionChecked,
        !studyRows.isEmpty());
  }
}
