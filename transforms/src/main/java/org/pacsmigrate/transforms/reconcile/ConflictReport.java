package org.pacsmigrate.transforms.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pacsmigrate.transforms.reports.Csv;

/**
 * The conflict reports, rendered from all findings of a run (in {@link Finding#REPORT_ORDER}): {@code
 * conflicts.csv}, {@code conflicts.json}, {@code conflicts.html} and {@code resolutions-template.csv}. They hold
 * patient data (the values); the HTML page says so in a banner, the README and the runbook for the others.
 */
public final class ConflictReport {
  public static final String CSV_HEADER = "study,level,series,attribute,tag,value,instances,examples,chosen,rule,"
      + "severity";
  /** How an absent attribute is written in the CSV and HTML reports (JSON: null). */
  public static final String ABSENT = "(absent)";
  private static final String EXAMPLE_SEPARATOR = " | ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConflictReport() {}

  /** One row per finding and distinct value; cells a spreadsheet would run as formulas are neutralised. */
  public static String csv(List<Finding> findings) {
    StringBuilder b = new StringBuilder(CSV_HEADER);
    for (Finding f : findings) {
      for (Finding.ValueCount v : f.values()) {
        b.append('\n').append(Csv.line(SpreadsheetCells.neutralise(f.study(), f.level().label(), f.series(),
            f.attribute(), f.tagHex(), shown(v.value()), Long.toString(v.instances()),
            String.join(EXAMPLE_SEPARATOR, v.examples()), f.chosen() == null ? "" : shown(f.chosen()), f.rule(),
            f.severity().label())));
      }
    }
    return b.toString();
  }

  /** A JSON array, one object per finding. */
  public static String json(List<Finding> findings) {
    ArrayNode array = JSON.createArrayNode();
    for (Finding f : findings) {
      ObjectNode o = array.addObject();
      o.put("study", f.study());
      o.put("level", f.level().label());
      o.put("series", f.series());
      o.put("attribute", f.attribute());
      o.put("tag", f.tagHex());
      o.put("severity", f.severity().label());
      ArrayNode values = o.putArray("values");
      for (Finding.ValueCount v : f.values()) {
        ObjectNode value = values.addObject();
        value.put("value", v.value());
        value.put("instances", v.instances());
        ArrayNode examples = value.putArray("examples");
        v.examples().forEach(examples::add);
        if (!v.studies().isEmpty()) {
          ArrayNode studies = value.putArray("studies");
          v.studies().forEach(studies::add);
        }
      }
      o.put("chosen", f.chosen());
      o.put("rule", f.rule());
      o.put("reviewer", f.reviewer());
      o.put("comment", f.comment());
      if (f.level().acrossStudies()) {
        o.put("issuer", f.issuer());
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A resolutions file to fill in: one row per blocking and warning finding of a study (cross-study findings
   * change nothing and have no row), the chosen value prefilled with the rule's choice (or the reviewer's, when
   * one decided), reviewer and comment as decided so far.
   */
  public static String template(List<Finding> findings) {
    StringBuilder b = new StringBuilder(Resolutions.HEADER);
    for (Finding f : findings) {
      if (f.level().acrossStudies() || f.severity() == Severity.INFO) {
        continue;
      }
      b.append('\n').append(Csv.line(SpreadsheetCells.neutralise(f.study(), f.attribute(),
          f.chosen() == null ? "" : f.chosen(), f.reviewer(), f.comment(), f.series())));
    }
    return b.toString();
  }

  /** The number of findings per severity, as the HTML page shows them. */
  public static Map<Severity, Long> counts(List<Finding> findings) {
    Map<Severity, Long> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0L);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1L, Long::sum));
    return counts;
  }

  /** Studies held for a decision: those with a blocking finding no reviewer decided. */
  public static TreeSet<String> heldStudies(List<Finding> findings) {
    TreeSet<String> held = new TreeSet<>();
    for (Finding f : findings) {
      if (f.severity() == Severity.BLOCKING && f.rule().startsWith(DecisionRule.HELD)) {
        held.add(f.study());
      }
    }
    return held;
  }

  /** The review page ({@link ReviewPage}) without study contexts. */
  public static String html(List<Finding> findings) {
    return ReviewPage.html(findings, List.of());
  }

  private static String shown(String v) {
    return v == null ? ABSENT : v;
  }

  /** HTML text and attribute escaping. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
