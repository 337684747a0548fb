package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pacsmigrate.format.archive.Uids;
import org.pacsmigrate.transforms.reports.Csv;

/**
 * A reviewer's decisions: the resolutions file ({@code --resolutions=FILE}), CSV with the header
 * {@value #HEADER}. One row per decision: the study (Study Instance UID), the attribute (keyword), the value the
 * archive must carry, who decided, why; {@code series} (optional, last) narrows a series-level attribute to one
 * series, else the row applies to every series of the study with a finding on that attribute. The run writes
 * {@code reports/resolutions-template.csv} prefilled with every blocking and warning finding and the rules'
 * choice; a reviewer edits the chosen values, signs each row and passes the file to the next run.
 *
 * <p>Checked in two steps, so a mistake fails the job before anything is archived: when the file is read (form,
 * known attribute, a reviewer on every row, no row twice), and in the job, before any ZIP is written (each row
 * must name a study and attribute that have a finding).
 */
public final class Resolutions implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String HEADER = "study,attribute,chosen,reviewer,comment,series";
  private static final List<String> COLUMNS = List.of("study", "attribute", "chosen", "reviewer", "comment", "series");

  /** One decision; {@code line} is its line in the file, by which errors name it. */
  public record Resolution(int line, String study, String attribute, String series, String chosen, String reviewer,
      String comment) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public static final Resolutions NONE = new Resolutions(List.of(), "");

  private final List<Resolution> rows;
  private final String source;
  private transient Map<String, List<Resolution>> byStudy;

  private Resolutions(List<Resolution> rows, String source) {
    this.rows = List.copyOf(rows);
    this.source = source;
  }

  public static Resolutions load(Path file, ReconciliationRules rules) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), rules);
  }

  /**
   * @throws IllegalArgumentException listing every bad row by line number (never by value)
   */
  public static Resolutions parse(String text, String source, ReconciliationRules rules) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a spreadsheet's byte order mark
    }
    List<String> records = Csv.records(text);
    List<String> errors = new ArrayList<>();
    if (records.isEmpty()) {
      throw new IllegalArgumentException("resolutions " + source + ": empty; the first line is the header " + HEADER);
    }
    List<String> header = Csv.parseLine(records.get(0)).stream().map(String::strip).toList();
    if (header.size() < 5 || !header.equals(COLUMNS.subList(0, header.size()))) {
      throw new IllegalArgumentException("resolutions " + source + ": the first line must be the header " + HEADER
          + " (the last column, series, may be left out)");
    }
    List<Resolution> rows = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int line = 1;
    for (String record : records.subList(1, records.size())) {
      line += 1 + (int) record.chars().filter(c -> c == '\n').count();
      if (record.isBlank()) {
        continue;
      }
      int n = line - (int) record.chars().filter(c -> c == '\n').count();
      List<String> f;
      try {
        // The template's cells were neutralised for spreadsheets (SpreadsheetCells): undone here, exactly.
        f = Csv.parseLine(record).stream().map(SpreadsheetCells::restore).toList();
      } catch (IllegalArgumentException e) {
        errors.add("line " + n + ": " + e.getMessage());
        continue;
      }
      if (f.size() < 5 || f.size() > header.size()) {
        errors.add("line " + n + ": " + f.size() + " fields, expected " + header.size());
        continue;
      }
      String study = f.get(0).strip();
      String attribute = f.get(1).strip();
      String chosen = f.get(2);
      String reviewer = f.get(3).strip();
      String comment = f.get(4);
      String series = f.size() > 5 ? f.get(5).strip() : "";
      String problem = Uids.problem(study);
      if (study.isEmpty() || problem != null) {
        errors.add("line " + n + ": the study must be a Study Instance UID"
            + (study.isEmpty() ? "" : " (" + problem + ")"));
        continue;
      }
      ReconciliationRules.Attribute a = rules.byKeyword(attribute);
      if (a == null) {
        // Quoted only when it looks like a keyword: a shifted row could put a value (patient data) here.
        String named = attribute.matches("[A-Za-z0-9]{1,64}") ? "attribute '" + attribute + "'" : "the attribute";
        errors.add("line " + n + ": " + named + " is not one reconciliation compares (see " + rules.source() + ")");
        continue;
      }
      if (!series.isEmpty() && a.level() != Level.SERIES) {
        errors.add("line " + n + ": a series is given, but " + attribute + " is a " + a.level().label()
            + "-level attribute");
        continue;
      }
      if (!series.isEmpty() && Uids.problem(series) != null) {
        errors.add("line " + n + ": the series must be a Series Instance UID (" + Uids.problem(series) + ")");
        continue;
      }
      if (reviewer.isEmpty()) {
        errors.add("line " + n + ": no reviewer; every decision is signed");
        continue;
      }
      Integer before = seen.putIfAbsent(study + "|" + attribute + "|" + series, n);
      if (before != null) {
        errors.add("line " + n + ": the same study and attribute as line " + before);
        continue;
      }
      rows.add(new Resolution(n, study, attribute, series, chosen, reviewer, comment));
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("resolutions " + source + ": " + String.join("; ", errors));
    }
    return new Resolutions(rows, source);
  }

  public List<Resolution> rows() {
    return rows;
  }

  /** The studies the rows name, each once, sorted. */
  public List<String> studies() {
    return rows.stream().map(Resolution::study).distinct().sorted().toList();
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public String source() {
    return source;
  }

  /** The decisions about one study, in line order. */
  public List<Resolution> forStudy(String studyUid) {
    if (byStudy == null) {
      Map<String, List<Resolution>> m = new TreeMap<>();
      for (Resolution r : rows) {
        m.computeIfAbsent(r.study(), k -> new ArrayList<>()).add(r);
      }
      byStudy = m;
    }
    return byStudy.getOrDefault(studyUid, Collections.emptyList());
  }
}
