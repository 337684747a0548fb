package org.pacsmigrate.transforms.reports;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields: quoted when they hold a comma, a quote or a line break, quotes doubled. */
public final class Csv {
  private Csv() {}

  public static String line(String... fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(escape(fields[i]));
    }
    return b.toString();
  }

  public static String escape(String field) {
    if (field == null) {
      return "";
    }
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  /** Splits one record; quoted fields may hold commas and doubled quotes (and line breaks, if given whole). */
  public static List<String> parseLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quoted field");
    }
    fields.add(f.toString());
    return fields;
  }

  /**
   * Splits a whole CSV text into records, keeping line breaks that sit inside quoted fields (a path may hold
   * one).
   */
  public static List<String> records(String text) {
    List<String> records = new ArrayList<>();
    StringBuilder r = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && (c == '\n' || c == '\r')) {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        records.add(r.toString());
        r.setLength(0);
      } else {
        r.append(c);
      }
    }
    if (r.length() > 0) {
      records.add(r.toString());
    }
    return records;
  }
}
