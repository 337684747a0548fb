package org.pacsmigrate.pipeline.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The media ranges of an {@code Accept} header (RFC 9110 12.5.1), with the parameters PS3.18 8.7.3 uses:
 * {@code type} of a multipart/related range and {@code transfer-syntax}. The archive never transcodes, so a
 * request is served only when one of its ranges (with a non-zero q) is satisfied by the stored form.
 */
final class AcceptHeader {
  record Range(String type, Map<String, String> params) {
    String param(String name) {
      return params.get(name);
    }
  }

  private final List<Range> ranges;

  private AcceptHeader(List<Range> ranges) {
    this.ranges = ranges;
  }

  /** Parses the header; absent or empty means anything. Quoted commas (in a type="...") are kept. */
  static AcceptHeader parse(String header) {
    List<Range> ranges = new ArrayList<>();
    if (header == null || header.isBlank()) {
      ranges.add(new Range("*/*", Map.of()));
      return new AcceptHeader(ranges);
    }
    for (String item : split(header, ',')) {
      List<String> fields = split(item, ';');
      if (fields.isEmpty() || fields.get(0).isBlank()) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (String f : fields.subList(1, fields.size())) {
        int eq = f.indexOf('=');
        if (eq > 0) {
          String value = f.substring(eq + 1).strip();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          params.put(f.substring(0, eq).strip().toLowerCase(Locale.ROOT), value);
        }
      }
      if ("0".equals(params.get("q")) || "0.0".equals(params.get("q")) || "0.00".equals(params.get("q"))
          || "0.000".equals(params.get("q"))) {
        continue;
      }
      ranges.add(new Range(fields.get(0).strip().toLowerCase(Locale.ROOT), params));
    }
    return new AcceptHeader(ranges);
  }

  private static List<String> split(String s, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : s.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().strip());
    return out;
  }

  /**
   * Whether a multipart/related answer of parts of {@code partType} in {@code syntax} (null: the parts have no
   * syntax) satisfies a range. A range without {@code type}, or with the part's type, or with
   * {@code application/octet-stream} and no specific syntax (what clients ask for frames by default: the stored
   * form, whatever it is; Orthanc answers the same way) is satisfied when its {@code transfer-syntax} is
   * absent, {@code *} or the stored one.
   */
  boolean acceptsMultipart(String partType, String syntax) {
    return acceptsMultipart(partType, syntax, true);
  }

  /** As above; {@code octetStreamMeansStored} false for Part 10 answers (application/dicom parts). */
  boolean acceptsMultipart(String partType, String syntax, boolean octetStreamMeansStored) {
    for (Range r : ranges) {
      if (r.type().equals("*/*") || r.type().equals("multipart/*")) {
        return true;
      }
      if (!r.type().equals("multipart/related")) {
        continue;
      }
      String type = r.param("type");
      String ts = r.param("transfer-syntax");
      boolean anySyntax = ts == null || ts.equals("*");
      boolean typeOk = type == null || type.equalsIgnoreCase(partType)
          || octetStreamMeansStored && type.equalsIgnoreCase("application/octet-stream") && anySyntax;
      if (typeOk && (anySyntax || ts.equals(syntax))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a JSON answer (application/dicom+json) satisfies a range. */
  boolean acceptsDicomJson() {
    for (Range r : ranges) {
      if (List.of("*/*", "application/*", "application/dicom+json", "application/json").contains(r.type())) {
        return true;
      }
    }
    return false;
  }

  /** Whether the header takes gzip, for Accept-Encoding (a q of 0 refuses it). */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (Range r : parse(acceptEncoding).ranges) {
      if (r.type().equals("gzip") || r.type().equals("x-gzip")) {
        return true;
      }
    }
    return false;
  }
}
