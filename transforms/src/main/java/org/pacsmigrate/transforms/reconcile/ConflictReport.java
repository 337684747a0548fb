package org.pacsmigrate.transforms.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.transforms.Csv;

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

  /** One self-contained page: no external resource, every value escaped. */
  public static String html(List<Finding> findings) {
    Map<Severity, Long> counts = counts(findings);
    TreeSet<String> held = heldStudies(findings);
    Map<String, List<Finding>> byStudy = new LinkedHashMap<>();
    long crossStudy = 0;
    for (Finding f : findings) {
      String key = f.level().acrossStudies()
          ? "\u0001" + f.level().ordinal() + f.study() + "\u0000" + f.issuer() : f.study();
      byStudy.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      if (f.level() == Level.CROSS_STUDY) {
        crossStudy++;
      }
    }
    long studies = byStudy.keySet().stream().filter(k -> !k.startsWith("\u0001")).count();

    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Reconciliation conflicts (patient data)</title>\n<style>\n").append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    h.append("<div class=\"phi\" id=\"patient-data\" role=\"alert\"><strong>Contains patient data.</strong> Names, "
        + "IDs, dates of birth and other values from the source PACS. Keep it with the same care as the images: "
        + "do not mail it, print it or copy it outside the migration team's storage.</div>\n");
    h.append("<h1>Reconciliation conflicts</h1>\n");
    h.append("<p class=\"intro\">Differences between the instances of a study (or of a series), and between the "
        + "studies of one patient. <b>Blocking</b> studies are held (not archived) until a reviewer decides in a "
        + "resolutions file (start from <code>resolutions-template.csv</code>); <b>warnings</b> were resolved by "
        + "the rule shown; <b>info</b> rows are cosmetic and were normalised.</p>\n");
    h.append("<div class=\"counts\">\n");
    count(h, "blocking", "count-blocking", counts.get(Severity.BLOCKING), "blocking");
    count(h, "warning", "count-warning", counts.get(Severity.WARNING), "warning");
    count(h, "info", "count-info", counts.get(Severity.INFO), "info");
    count(h, "held", "count-held", held.size(), held.size() == 1 ? "study held" : "studies held");
    count(h, "studies", "count-studies", studies, studies == 1 ? "study with findings" : "studies with findings");
    count(h, "cross", "count-cross-study", crossStudy, "cross-study");
    h.append("</div>\n");

    h.append("<form class=\"filters\" onsubmit=\"return false\">\n<fieldset><legend>Severity</legend>\n");
    for (Severity s : new Severity[] {Severity.BLOCKING, Severity.WARNING, Severity.INFO}) {
      h.append("<label><input type=\"checkbox\" class=\"f-sev\" value=\"").append(s.label()).append("\" checked> ")
          .append(s.label()).append("</label>\n");
    }
    h.append("</fieldset>\n<label>Level <select id=\"f-level\"><option value=\"\">all</option>");
    for (Level l : Level.values()) {
      h.append("<option value=\"").append(l.label()).append("\">").append(l.label()).append("</option>");
    }
    h.append("</select></label>\n<label>Find <input type=\"search\" id=\"f-text\" size=\"40\" "
        + "placeholder=\"study UID, attribute, value, path\"></label>\n")
        .append("<span class=\"shown\">showing <span id=\"shown\">").append(findings.size())
        .append("</span> of <span id=\"total\">").append(findings.size()).append("</span> findings</span>\n</form>\n");

    if (findings.isEmpty()) {
      h.append("<p class=\"none\" id=\"no-findings\">No differences found.</p>\n");
    }
    for (Map.Entry<String, List<Finding>> e : byStudy.entrySet()) {
      List<Finding> list = e.getValue();
      Finding first = list.get(0);
      boolean cross = first.level().acrossStudies();
      h.append("<section class=\"study\">\n<h2>");
      if (cross) {
        h.append("Patient <span class=\"uid\">").append(esc(first.study())).append("</span>");
        if (!first.issuer().isEmpty()) {
          h.append(" (issuer ").append(esc(first.issuer())).append(")");
        }
        h.append(first.level() == Level.CROSS_STUDY ? " <span class=\"badge cross\">across studies</span>"
            : " <span class=\"badge cross\">possible duplicate patients</span>");
      } else {
        h.append("Study <span class=\"uid\">").append(esc(first.study())).append("</span>");
        if (held.contains(first.study())) {
          h.append(" <span class=\"badge held\">HELD</span>");
        }
      }
      h.append("</h2>\n<table>\n<colgroup><col class=\"c-sev\"><col class=\"c-level\"><col class=\"c-attr\">"
          + "<col class=\"c-values\"><col class=\"c-chosen\"><col class=\"c-rule\"></colgroup>\n"
          + "<thead><tr><th>Severity</th><th>Level</th><th>Attribute</th><th>Values "
          + "(instances, example files)</th><th>Chosen</th><th>Rule</th></tr></thead>\n<tbody>\n");
      for (Finding f : list) {
        row(h, f);
      }
      h.append("</tbody>\n</table>\n</section>\n");
    }
    h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>");
    return h.toString();
  }

  private static void count(StringBuilder h, String css, String id, long n, String label) {
    h.append("<div class=\"count ").append(css).append("\"><span class=\"n\" id=\"").append(id).append("\">")
        .append(n).append("</span> ").append(esc(label)).append("</div>\n");
  }

  private static void row(StringBuilder h, Finding f) {
    StringBuilder text = new StringBuilder();
    text.append(f.study()).append(' ').append(f.series()).append(' ').append(f.attribute()).append(' ')
        .append(f.tagHex()).append(' ').append(f.rule()).append(' ').append(f.chosen() == null ? "" : f.chosen());
    for (Finding.ValueCount v : f.values()) {
      text.append(' ').append(v.value() == null ? "" : v.value()).append(' ').append(String.join(" ", v.examples()))
          .append(' ').append(String.join(" ", v.studies()));
    }
    h.append("<tr class=\"finding sev-").append(f.severity().label()).append("\" data-severity=\"")
        .append(f.severity().label()).append("\" data-level=\"").append(f.level().label()).append("\" data-text=\"")
        .append(esc(text.toString().toLowerCase(Locale.ROOT))).append("\">");
    h.append("<td><span class=\"sev ").append(f.severity().label()).append("\">").append(f.severity().label())
        .append("</span></td>");
    h.append("<td>").append(f.level().label());
    if (!f.series().isEmpty()) {
      h.append("<div class=\"uid small\">series ").append(esc(f.series())).append("</div>");
    }
    h.append("</td>");
    h.append("<td><b>").append(esc(f.attribute())).append("</b><div class=\"small\">")
        .append(esc(Tag.toString(f.tag()))).append("</div></td>");
    h.append("<td><ul class=\"values\">");
    for (Finding.ValueCount v : f.values()) {
      boolean chosen = f.chosen() != null && f.chosen().equals(v.value())
          || f.chosen() == null && v.value() == null && !f.level().acrossStudies();
      h.append("<li").append(chosen ? " class=\"chosen\"" : "").append(">").append(value(v.value()))
          .append(" <span class=\"n\">&times;&nbsp;").append(v.instances()).append("</span>");
      if (!v.studies().isEmpty()) {
        h.append("<div class=\"small\">studies: ").append(esc(String.join(", ", v.studies()))).append("</div>");
      }
      for (String example : v.examples()) {
        h.append("<div class=\"path small\">").append(esc(example)).append("</div>");
      }
      h.append("</li>");
    }
    h.append("</ul></td>");
    h.append("<td>").append(f.level().acrossStudies() ? "<span class=\"small\">not changed</span>"
        : value(f.chosen())).append("</td>");
    h.append("<td>").append(esc(f.rule()));
    if (!f.reviewer().isEmpty()) {
      h.append("<div class=\"small\">by ").append(esc(f.reviewer()));
      if (!f.comment().isEmpty()) {
        h.append(": ").append(esc(f.comment()));
      }
      h.append("</div>");
    }
    h.append("</td></tr>\n");
  }

  private static String value(String v) {
    if (v == null) {
      return "<em class=\"absent\">absent</em>";
    }
    if (v.isEmpty()) {
      return "<em class=\"absent\">empty</em>";
    }
    return "<code>" + esc(v) + "</code>";
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

  private static final String STYLE = """
      body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 24px 40px;
        color: #1d2330; background: #fff; }
      .phi { position: sticky; top: 0; z-index: 2; margin: 0 -24px 12px; padding: 10px 24px;
        background: #8a1c1c; color: #fff; }
      h1 { font-size: 22px; margin: 12px 0 4px; }
      h2 { font-size: 15px; margin: 0 0 6px; }
      .intro { color: #444; max-width: 70em; }
      .counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
      .count { border: 1px solid #ccd; border-radius: 6px; padding: 8px 14px; min-width: 7em; }
      .count .n { display: block; font-size: 26px; font-weight: 700; }
      .count.blocking { border-color: #b3261e; color: #b3261e; }
      .count.warning { border-color: #b26a00; color: #8a5200; }
      .count.info { border-color: #2c6ecb; color: #1f58a8; }
      .filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 8px 0 16px;
        padding: 8px 12px; background: #f3f5f9; border-radius: 6px; }
      .filters fieldset { border: 0; margin: 0; padding: 0; }
      .filters legend { float: left; margin-right: 8px; }
      .shown { color: #555; }
      section.study { margin: 0 0 18px; }
      .uid { font-family: ui-monospace, Menlo, Consolas, monospace; }
      table { border-collapse: collapse; width: 100%; table-layout: fixed; }
      col.c-sev { width: 8%; } col.c-level { width: 10%; } col.c-attr { width: 14%; } col.c-values { width: 41%; }
      col.c-chosen { width: 12%; } col.c-rule { width: 15%; }
      td { overflow-wrap: anywhere; }
      th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e3e6ee; }
      th { background: #f3f5f9; font-weight: 600; }
      .small { font-size: 12px; color: #555; }
      .path { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; font-weight: normal; }
      ul.values { margin: 0; padding-left: 16px; }
      ul.values li.chosen { font-weight: 600; }
      ul.values li.chosen::marker { content: "\\2713  "; color: #137333; }
      code { background: #f0f2f6; padding: 0 3px; border-radius: 3px; white-space: pre-wrap; }
      em.absent { color: #777; }
      .sev { display: inline-block; padding: 1px 7px; border-radius: 10px; color: #fff; font-size: 12px; }
      .sev.blocking { background: #b3261e; }
      .sev.warning { background: #b26a00; }
      .sev.info { background: #2c6ecb; }
      .badge { font-size: 12px; padding: 1px 7px; border-radius: 10px; color: #fff; vertical-align: middle; }
      .badge.held { background: #b3261e; }
      .badge.cross { background: #6b4fbb; }
      .hidden { display: none; }
      """;

  private static final String SCRIPT = """
      (function () {
        var rows = Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
        var sections = Array.prototype.slice.call(document.querySelectorAll('section.study'));
        function apply() {
          var severities = {};
          document.querySelectorAll('input.f-sev').forEach(function (c) { severities[c.value] = c.checked; });
          var level = document.getElementById('f-level').value;
          var text = document.getElementById('f-text').value.trim().toLowerCase();
          var shown = 0;
          rows.forEach(function (r) {
            var ok = severities[r.dataset.severity] && (!level || r.dataset.level === level)
              && (!text || r.dataset.text.indexOf(text) >= 0);
            r.classList.toggle('hidden', !ok);
            if (ok) { shown++; }
          });
          sections.forEach(function (s) {
            s.classList.toggle('hidden', !s.querySelector('tr.finding:not(.hidden)'));
          });
          document.getElementById('shown').textContent = shown;
        }
        document.querySelectorAll('input.f-sev').forEach(function (c) { c.addEventListener('change', apply); });
        document.getElementById('f-level').addEventListener('change', apply);
        document.getElementById('f-text').addEventListener('input', apply);
        apply();
        document.body.setAttribute('data-filters', 'ready');
      })();
      """;
}
