package org.pacsmigrate.transforms.reconcile;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pacsmigrate.format.dicom.Tag;

/**
 * {@code conflicts.html}: one self-contained page (no external resource, no server) where a reviewer reads the
 * findings and decides. At the top, the counts by severity and a summary of findings by attribute and rule;
 * filters; then the studies, a page of {@value #STUDIES_PER_PAGE} at a time, each with what a reviewer recognises
 * it by ({@link StudyContext}) and its findings. For a warning or blocking finding the reviewer picks one of the
 * values or types another; a held study is released (its undecided blocking findings take the suggested value)
 * or kept held. The page then downloads {@code resolutions.csv} in the form {@code --resolutions} reads, cells
 * neutralised for spreadsheets as {@link SpreadsheetCells} does, decisions already in force included.
 *
 * <p>The findings travel as JSON in a {@code <script type="application/json">} element, with {@code <}, {@code >}
 * and {@code &} written as \\u escapes so no value can close it; the script puts values into the page only as
 * text ({@code textContent}), never as markup. Rendering a page of studies at a time keeps 100,000 findings
 * usable: the DOM holds one page, not the whole report.
 */
public final class ReviewPage {
  static final int STUDIES_PER_PAGE = 50;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReviewPage() {}

  /** @param contexts what the page shows of each study (any that have findings; others show their UID only) */
  public static String html(List<Finding> findings, Collection<StudyContext> contexts) {
    Map<String, StudyContext> byStudy = new HashMap<>();
    contexts.forEach(c -> byStudy.put(c.studyUid(), c));
    Map<Severity, Long> counts = ConflictReport.counts(findings);
    TreeSet<String> held = ConflictReport.heldStudies(findings);
    Map<String, List<Finding>> groups = new LinkedHashMap<>();
    long crossStudy = 0;
    long duplicates = 0;
    Map<String, Long> byAttributeAndRule = new TreeMap<>();
    for (Finding f : findings) {
      String key = f.level().acrossStudies()
          ? "\u0001" + f.level().ordinal() + f.study() + "\u0000" + f.issuer() : f.study();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      crossStudy += f.level() == Level.CROSS_STUDY ? 1 : 0;
      duplicates += f.level() == Level.POSSIBLE_DUPLICATE ? 1 : 0;
      byAttributeAndRule.merge(f.attribute() + "\u0000" + f.rule(), 1L, Long::sum);
    }
    long studies = groups.keySet().stream().filter(k -> !k.startsWith("\u0001")).count();

    StringBuilder h = new StringBuilder(findings.size() * 400 + 20_000);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Reconciliation conflicts (patient data)</title>\n<style>\n").append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    h.append("<div class=\"phi\" id=\"patient-data\" role=\"alert\"><strong>Contains patient data.</strong> Names, "
        + "IDs, dates of birth and other values from the source PACS. Keep it with the same care as the images: "
        + "do not mail it, print it or copy it outside the migration team's storage. The resolutions file this "
        + "page downloads holds patient data too.</div>\n");
    h.append("<h1>Reconciliation conflicts</h1>\n");
    h.append("<p class=\"intro\">Differences between the instances of a study (or of a series), and between "
        + "patients and their studies. <b>Blocking</b> studies are held (not archived) until decided; "
        + "<b>warnings</b> were resolved by the rule shown; <b>info</b> rows are cosmetic and were normalised. "
        + "To decide: pick a value (or type one) for a finding, release or keep a held study, enter your name and "
        + "download <code>resolutions.csv</code>; rerun the job with <code>--resolutions=resolutions.csv</code>.</p>\n");
    h.append("<div class=\"counts\">\n");
    count(h, "blocking", "count-blocking", counts.get(Severity.BLOCKING), "blocking");
    count(h, "warning", "count-warning", counts.get(Severity.WARNING), "warning");
    count(h, "info", "count-info", counts.get(Severity.INFO), "info");
    count(h, "held", "count-held", held.size(), held.size() == 1 ? "study held" : "studies held");
    count(h, "studies", "count-studies", studies, studies == 1 ? "study with findings" : "studies with findings");
    count(h, "cross", "count-cross-study", crossStudy, "cross-study");
    count(h, "cross", "count-possible-duplicate", duplicates, "possible duplicate");
    h.append("</div>\n");

    h.append("<details class=\"summary\" open><summary>Findings by attribute and rule</summary>\n")
        .append("<table id=\"summary\"><thead><tr><th>Attribute</th><th>Rule</th><th>Findings</th></tr></thead>"
            + "<tbody>\n");
    byAttributeAndRule.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> {
          String[] k = e.getKey().split("\u0000", 2);
          h.append("<tr><td>").append(ConflictReport.esc(k[0])).append("</td><td>").append(ConflictReport.esc(k[1]))
              .append("</td><td class=\"num\">").append(e.getValue()).append("</td></tr>\n");
        });
    h.append("</tbody></table></details>\n");

    h.append("<div class=\"decide\">\n<label>Reviewer <input type=\"text\" id=\"reviewer\" size=\"24\" "
        + "placeholder=\"your name (required)\" autocomplete=\"off\"></label>\n"
        + "<span><span id=\"decision-count\">0</span> decision(s)</span>\n"
        + "<button type=\"button\" id=\"download\">Download resolutions.csv</button>\n"
        + "<span id=\"download-status\" role=\"status\"></span>\n</div>\n");

    h.append("<form class=\"filters\" onsubmit=\"return false\">\n<fieldset><legend>Severity</legend>\n");
    for (Severity s : new Severity[] {Severity.BLOCKING, Severity.WARNING, Severity.INFO}) {
      h.append("<label><input type=\"checkbox\" class=\"f-sev\" value=\"").append(s.label()).append("\" checked> ")
          .append(s.label()).append("</label>\n");
    }
    h.append("</fieldset>\n<label>Level <select id=\"f-level\"><option value=\"\">all</option>");
    for (Level l : Level.values()) {
      h.append("<option value=\"").append(l.label()).append("\">").append(l.label()).append("</option>");
    }
    h.append("</select></label>\n<label><input type=\"checkbox\" id=\"f-held\"> held studies only</label>\n"
        + "<label>Find <input type=\"search\" id=\"f-text\" size=\"36\" "
        + "placeholder=\"study UID, patient, attribute, value, path\"></label>\n")
        .append("<span class=\"shown\">showing <span id=\"shown\">").append(findings.size())
        .append("</span> of <span id=\"total\">").append(findings.size()).append("</span> findings</span>\n</form>\n");
    h.append("<nav class=\"pager\"><button type=\"button\" id=\"prev\">&larr; previous</button> "
        + "<span id=\"page\"></span> <button type=\"button\" id=\"next\">next &rarr;</button></nav>\n");
    if (findings.isEmpty()) {
      h.append("<p class=\"none\" id=\"no-findings\">No differences found.</p>\n");
    }
    h.append("<div id=\"studies\"></div>\n");
    h.append("<script type=\"application/json\" id=\"findings-data\">").append(data(groups, byStudy, held))
        .append("</script>\n");
    h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>");
    return h.toString();
  }

  private static void count(StringBuilder h, String css, String id, long n, String label) {
    h.append("<div class=\"count ").append(css).append("\"><span class=\"n\" id=\"").append(id).append("\">")
        .append(n).append("</span> ").append(ConflictReport.esc(label)).append("</div>\n");
  }

  /** The findings by study (or patient), as JSON safe inside a script element. */
  static String data(Map<String, List<Finding>> groups, Map<String, StudyContext> contexts, TreeSet<String> held) {
    StringWriter text = new StringWriter(groups.size() * 600 + 16);
    try (JsonGenerator g = JSON.getFactory().createGenerator(text)) {
      g.writeStartArray();
      for (List<Finding> list : groups.values()) {
        Finding first = list.get(0);
        g.writeStartObject();
        g.writeStringField("study", first.study());
        g.writeStringField("across", first.level().acrossStudies() ? first.level().label() : "");
        g.writeStringField("issuer", first.issuer());
        g.writeBooleanField("held", !first.level().acrossStudies() && held.contains(first.study()));
        StudyContext c = first.level().acrossStudies() ? null : contexts.get(first.study());
        if (c != null) {
          g.writeObjectFieldStart("ctx");
          g.writeStringField("name", c.patientName());
          g.writeStringField("id", c.patientId());
          g.writeStringField("birth", c.birthDate());
          g.writeStringField("date", c.studyDate());
          g.writeStringField("acc", c.accession());
          g.writeStringField("mod", c.modalities());
          g.writeStringField("desc", c.description());
          g.writeNumberField("series", c.series());
          g.writeNumberField("inst", c.instances());
          g.writeEndObject();
        }
        g.writeArrayFieldStart("f");
        for (Finding f : list) {
          g.writeStartObject();
          g.writeStringField("sev", f.severity().label());
          g.writeStringField("level", f.level().label());
          g.writeStringField("series", f.series());
          g.writeStringField("attr", f.attribute());
          g.writeStringField("tag", Tag.toString(f.tag()));
          g.writeArrayFieldStart("values");
          for (Finding.ValueCount v : f.values()) {
            g.writeStartObject();
            g.writeStringField("v", v.value());
            g.writeNumberField("n", v.instances());
            g.writeArrayFieldStart("ex");
            for (String e : v.examples()) {
              g.writeString(e);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("st");
            for (String st : v.studies()) {
              g.writeString(st);
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeStringField("chosen", f.chosen());
          g.writeStringField("rule", f.rule());
          g.writeStringField("reviewer", f.reviewer());
          g.writeStringField("comment", f.comment());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scriptSafe(text.toString());
  }

  /** JSON text that cannot end a script element or open markup: these characters only occur inside strings. */
  static String scriptSafe(String json) {
    StringBuilder b = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> b.append("\\u003c");
        case '>' -> b.append("\\u003e");
        case '&' -> b.append("\\u0026");
        case '\u2028' -> b.append("\\u2028");
        case '\u2029' -> b.append("\\u2029");
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
      h2 { font-size: 15px; margin: 0 0 4px; }
      .intro { color: #444; max-width: 75em; }
      .counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
      .count { border: 1px solid #ccd; border-radius: 6px; padding: 8px 14px; min-width: 7em; }
      .count .n { display: block; font-size: 26px; font-weight: 700; }
      .count.blocking { border-color: #b3261e; color: #b3261e; }
      .count.warning { border-color: #b26a00; color: #8a5200; }
      .count.info { border-color: #2c6ecb; color: #1f58a8; }
      details.summary { margin: 8px 0; }
      details.summary table { width: auto; min-width: 40em; }
      td.num { text-align: right; }
      .decide { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 10px 0; padding: 8px 12px;
        background: #eef7ee; border-radius: 6px; }
      .decide button { font-weight: 600; }
      .filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin: 8px 0 8px;
        padding: 8px 12px; background: #f3f5f9; border-radius: 6px; }
      .filters fieldset { border: 0; margin: 0; padding: 0; }
      .filters legend { float: left; margin-right: 8px; }
      .shown { color: #555; }
      .pager { margin: 8px 0 14px; }
      section.study { margin: 0 0 18px; }
      .ctx { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0 0 6px; color: #333; font-size: 13px; }
      .ctx b { font-weight: 600; }
      .release { margin: 4px 0 6px; padding: 4px 8px; background: #fbeaea; border-radius: 4px; display: inline-block; }
      .uid { font-family: ui-monospace, Menlo, Consolas, monospace; }
      table { border-collapse: collapse; width: 100%; table-layout: fixed; }
      col.c-sev { width: 7%; } col.c-level { width: 9%; } col.c-attr { width: 12%; } col.c-values { width: 38%; }
      col.c-chosen { width: 11%; } col.c-rule { width: 13%; } col.c-note { width: 10%; }
      td { overflow-wrap: anywhere; }
      th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #e3e6ee; }
      th { background: #f3f5f9; font-weight: 600; }
      .small { font-size: 12px; color: #555; }
      .path { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; font-weight: normal; }
      ul.values { margin: 0; padding-left: 16px; }
      ul.values li.chosen { font-weight: 600; }
      ul.values li.chosen::marker { content: "\\2713  "; color: #137333; }
      input.other, input.comment { width: 95%; }
      code { background: #f0f2f6; padding: 0 3px; border-radius: 3px; white-space: pre-wrap; }
      em.absent { color: #777; }
      .sev { display: inline-block; padding: 1px 7px; border-radius: 10px; color: #fff; font-size: 12px; }
      .sev.blocking { background: #b3261e; }
      .sev.warning { background: #b26a00; }
      .sev.info { background: #2c6ecb; }
      .badge { font-size: 12px; padding: 1px 7px; border-radius: 10px; color: #fff; vertical-align: middle; }
      .badge.held { background: #b3261e; }
      .badge.cross { background: #6b4fbb; }
      tr.decided { background: #f1faf1; }
      """;

  private static final String SCRIPT = """
      (function () {
        'use strict';
        var PAGE = %d;
        var REVIEWER_RULE = 'resolved by reviewer';
        var groups = JSON.parse(document.getElementById('findings-data').textContent);
        var decisions = {};
        var release = {};
        var visible = [];
        var page = 0;
        function key(g, f) { return g.study + '\\u0000' + f.attr + '\\u0000' + f.series; }
        function decidable(g, f) { return !g.across && f.sev !== 'info'; }
        groups.forEach(function (g) {
          g.f.forEach(function (f) {
            if (f.rule === REVIEWER_RULE) {
              decisions[key(g, f)] = { study: g.study, attribute: f.attr, series: f.series,
                chosen: f.chosen === null ? '' : f.chosen, reviewer: f.reviewer, comment: f.comment, inForce: true };
            }
          });
        });
        function el(tag, cls, text) {
          var e = document.createElement(tag);
          if (cls) { e.className = cls; }
          if (text !== undefined && text !== null) { e.textContent = text; }
          return e;
        }
        function searchText(g, f) {
          if (f.t === undefined) {
            var parts = [g.study, g.issuer, f.series, f.attr, f.tag, f.rule, f.chosen || ''];
            f.values.forEach(function (v) { parts.push(v.v || '', v.ex.join(' '), v.st.join(' ')); });
            if (g.ctx) { parts.push(g.ctx.name || '', g.ctx.id || '', g.ctx.acc || '', g.ctx.desc || ''); }
            f.t = parts.join(' ').toLowerCase();
          }
          return f.t;
        }
        function applyFilters() {
          var severities = {};
          document.querySelectorAll('input.f-sev').forEach(function (c) { severities[c.value] = c.checked; });
          var level = document.getElementById('f-level').value;
          var heldOnly = document.getElementById('f-held').checked;
          var text = document.getElementById('f-text').value.trim().toLowerCase();
          var shown = 0;
          visible = [];
          groups.forEach(function (g) {
            g.shown = [];
            if (heldOnly && !g.held) { return; }
            g.f.forEach(function (f, i) {
              if (severities[f.sev] && (!level || f.level === level) && (!text || searchText(g, f).indexOf(text) >= 0)) {
                g.shown.push(i);
              }
            });
            if (g.shown.length) { visible.push(g); shown += g.shown.length; }
          });
          document.getElementById('shown').textContent = shown;
          page = 0;
          render();
        }
        function pages() { return Math.max(1, Math.ceil(visible.length / PAGE)); }
        function render() {
          var box = document.getElementById('studies');
          box.textContent = '';
          visible.slice(page * PAGE, (page + 1) * PAGE).forEach(function (g) { box.appendChild(renderGroup(g)); });
          document.getElementById('page').textContent = 'page ' + (page + 1) + ' of ' + pages() + ' (' + visible.length
            + ' studies and patients)';
          document.getElementById('prev').disabled = page === 0;
          document.getElementById('next').disabled = page + 1 >= pages();
        }
        function ctxItem(box, label, value) {
          var s = el('span', 'ctx-' + label.toLowerCase().replace(/ /g, '-'));
          s.appendChild(el('b', null, label + ': '));
          s.appendChild(document.createTextNode(value === null || value === undefined || value === '' ? '\\u2014' : value));
          box.appendChild(s);
        }
        function renderGroup(g) {
          var s = el('section', 'study');
          s.setAttribute('data-study', g.study);
          var h = el('h2');
          if (g.across) {
            h.appendChild(document.createTextNode('Patient '));
            h.appendChild(el('span', 'uid', g.study));
            if (g.issuer) { h.appendChild(document.createTextNode(' (issuer ' + g.issuer + ')')); }
            h.appendChild(document.createTextNode(' '));
            h.appendChild(el('span', 'badge cross', g.across === 'cross-study' ? 'across studies'
              : 'possible duplicate patients'));
          } else {
            h.appendChild(document.createTextNode('Study '));
            h.appendChild(el('span', 'uid', g.study));
            if (g.held) { h.appendChild(document.createTextNode(' ')); h.appendChild(el('span', 'badge held', 'HELD')); }
          }
          s.appendChild(h);
          if (g.ctx) {
            var c = el('div', 'ctx');
            ctxItem(c, 'Patient', g.ctx.name);
            ctxItem(c, 'ID', g.ctx.id);
            ctxItem(c, 'Born', g.ctx.birth);
            ctxItem(c, 'Study date', g.ctx.date);
            ctxItem(c, 'Accession', g.ctx.acc);
            ctxItem(c, 'Modalities', g.ctx.mod);
            ctxItem(c, 'Description', g.ctx.desc);
            ctxItem(c, 'Series', String(g.ctx.series));
            ctxItem(c, 'Instances', String(g.ctx.inst));
            s.appendChild(c);
          }
          if (g.held) {
            var r = el('div', 'release');
            [['release', 'release: archive it with the values picked (the suggestion where none is)'],
             ['keep', 'keep it held']].forEach(function (o) {
              var l = el('label');
              var i = el('input', o[0]);
              i.type = 'radio';
              i.name = 'release-' + g.study;
              i.value = o[0];
              i.checked = release[g.study] === o[0];
              i.addEventListener('change', function () { release[g.study] = o[0]; updateCount(); });
              l.appendChild(i);
              l.appendChild(document.createTextNode(' ' + o[1] + ' '));
              r.appendChild(l);
            });
            s.appendChild(r);
          }
          var t = el('table');
          t.innerHTML = '<colgroup><col class="c-sev"><col class="c-level"><col class="c-attr"><col class="c-values">'
            + '<col class="c-chosen"><col class="c-rule"><col class="c-note"></colgroup><thead><tr><th>Severity</th>'
            + '<th>Level</th><th>Attribute</th><th>Values (instances, example files): pick one</th><th>Chosen</th>'
            + '<th>Rule</th><th>Comment</th></tr></thead>';
          var body = el('tbody');
          g.shown.forEach(function (i) { body.appendChild(renderRow(g, g.f[i])); });
          t.appendChild(body);
          s.appendChild(t);
          return s;
        }
        function shownValue(td, v) {
          if (v === null) { td.appendChild(el('em', 'absent', 'absent')); }
          else if (v === '') { td.appendChild(el('em', 'absent', 'empty')); }
          else { td.appendChild(el('code', null, v)); }
        }
        function renderRow(g, f) {
          var k = key(g, f);
          var tr = el('tr', 'finding sev-' + f.sev + (decisions[k] ? ' decided' : ''));
          tr.setAttribute('data-severity', f.sev);
          tr.setAttribute('data-level', f.level);
          tr.setAttribute('data-attribute', f.attr);
          var td = el('td');
          td.appendChild(el('span', 'sev ' + f.sev, f.sev));
          tr.appendChild(td);
          td = el('td', null, f.level);
          if (f.series) { td.appendChild(el('div', 'uid small', 'series ' + f.series)); }
          tr.appendChild(td);
          td = el('td');
          td.appendChild(el('b', null, f.attr));
          td.appendChild(el('div', 'small', f.tag));
          tr.appendChild(td);
          td = el('td');
          var ul = el('ul', 'values');
          var canDecide = decidable(g, f);
          var d = decisions[k];
          var matched = false;
          f.values.forEach(function (v, vi) {
            var li = el('li');
            if (!g.across && (f.chosen === v.v)) { li.className = 'chosen'; }
            var holder = li;
            if (canDecide) {
              holder = el('label');
              var radio = el('input', 'pick');
              radio.type = 'radio';
              radio.name = 'pick-' + k;
              radio.setAttribute('data-value', String(vi));
              var value = v.v === null ? '' : v.v;
              if (d && d.chosen === value && !matched) { radio.checked = true; matched = true; }
              radio.addEventListener('change', function () { decide(g, f, value, tr); });
              holder.appendChild(radio);
              holder.appendChild(document.createTextNode(' '));
              li.appendChild(holder);
            }
            shownValue(holder, v.v);
            holder.appendChild(el('span', 'n', ' \\u00d7\\u00a0' + v.n));
            if (v.st.length) { li.appendChild(el('div', 'small', 'studies: ' + v.st.join(', '))); }
            v.ex.forEach(function (p) { li.appendChild(el('div', 'path small', p)); });
            ul.appendChild(li);
          });
          td.appendChild(ul);
          if (canDecide) {
            var other = el('input', 'other');
            other.type = 'text';
            other.placeholder = 'or type another value';
            if (d && !matched) { other.value = d.chosen; }
            other.addEventListener('input', function () {
              tr.querySelectorAll('input.pick').forEach(function (r) { r.checked = false; });
              if (other.value === '') { undecide(k, tr); } else { decide(g, f, other.value, tr); }
            });
            td.appendChild(other);
          }
          tr.appendChild(td);
          td = el('td');
          if (g.across) { td.appendChild(el('span', 'small', 'not changed')); } else { shownValue(td, f.chosen); }
          tr.appendChild(td);
          td = el('td', null, f.rule);
          if (f.reviewer) { td.appendChild(el('div', 'small', 'by ' + f.reviewer + (f.comment ? ': ' + f.comment : ''))); }
          tr.appendChild(td);
          td = el('td');
          if (canDecide) {
            var comment = el('input', 'comment');
            comment.type = 'text';
            comment.placeholder = 'why';
            comment.value = d ? d.comment : '';
            comment.addEventListener('input', function () { if (decisions[k]) { decisions[k].comment = comment.value; } });
            td.appendChild(comment);
          }
          tr.appendChild(td);
          return tr;
        }
        function decide(g, f, value, tr) {
          var k = key(g, f);
          var comment = tr.querySelector('input.comment');
          decisions[k] = { study: g.study, attribute: f.attr, series: f.series, chosen: value, reviewer: '',
            comment: comment ? comment.value : '', inForce: false };
          tr.classList.add('decided');
          updateCount();
        }
        function undecide(k, tr) {
          delete decisions[k];
          tr.classList.remove('decided');
          updateCount();
        }
        function rows() {
          var out = {};
          Object.keys(decisions).forEach(function (k) { out[k] = decisions[k]; });
          groups.forEach(function (g) {
            if (!g.held || !release[g.study]) { return; }
            g.f.forEach(function (f) {
              if (f.sev !== 'blocking') { return; }
              var k = key(g, f);
              if (release[g.study] === 'keep') { delete out[k]; }
              else if (!out[k]) {
                out[k] = { study: g.study, attribute: f.attr, series: f.series, chosen: f.chosen === null ? '' : f.chosen,
                  reviewer: '', comment: 'released on the review page', inForce: false };
              }
            });
          });
          return Object.keys(out).sort().map(function (k) { return out[k]; });
        }
        function updateCount() { document.getElementById('decision-count').textContent = rows().length; }
        // As SpreadsheetCells: a cell a spreadsheet would run as a formula gets a leading quote; so does a quote.
        function neutralise(v) { return /^[=+\\-@\\t\\r']/.test(v) ? "'" + v : v; }
        function field(v) {
          v = neutralise(v);
          return /[",\\r\\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
        }
        function csv(reviewer) {
          var lines = ['study,attribute,chosen,reviewer,comment,series'];
          rows().forEach(function (r) {
            lines.push([r.study, r.attribute, r.chosen, r.inForce ? r.reviewer : reviewer, r.comment, r.series]
              .map(field).join(','));
          });
          return lines.join('\\n') + '\\n';
        }
        document.getElementById('download').addEventListener('click', function () {
          var reviewer = document.getElementById('reviewer').value.trim();
          var status = document.getElementById('download-status');
          if (!reviewer) { status.textContent = 'Enter your name first: every decision is signed.'; return; }
          var text = csv(reviewer);
          var a = el('a');
          a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
          a.download = 'resolutions.csv';
          document.body.appendChild(a);
          a.click();
          document.body.removeChild(a);
          status.textContent = 'Downloaded resolutions.csv with ' + (text.split('\\n').length - 2) + ' decision(s).';
          document.body.setAttribute('data-downloaded', String(text.split('\\n').length - 2));
        });
        document.getElementById('prev').addEventListener('click', function () { if (page > 0) { page--; render(); } });
        document.getElementById('next').addEventListener('click', function () {
          if (page + 1 < pages()) { page++; render(); }
        });
        document.querySelectorAll('input.f-sev').forEach(function (c) { c.addEventListener('change', applyFilters); });
        document.getElementById('f-level').addEventListener('change', applyFilters);
        document.getElementById('f-held').addEventListener('change', applyFilters);
        // Typing re-filters once the reviewer pauses, not on every key (100,000 findings take a moment).
        var typing = null;
        document.getElementById('f-text').addEventListener('input', function () {
          clearTimeout(typing);
          typing = setTimeout(applyFilters, 250);
        });
        applyFilters();
        updateCount();
        document.body.setAttribute('data-filters', 'ready');
        document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
      })();
      """.formatted(STUDIES_PER_PAGE);
}
