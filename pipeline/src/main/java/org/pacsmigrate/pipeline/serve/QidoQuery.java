package org.pacsmigrate.pipeline.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.pacsmigrate.format.dicom.ElementDictionary;
import org.pacsmigrate.format.dicom.VR;

/**
 * A QIDO-RS query (PS3.18 8.3.4, PS3.4 C.2.2.2): attribute matching by keyword or tag, {@code limit},
 * {@code offset} and {@code includefield}. Matching follows PS3.4: single value (exact; case-insensitive for PN,
 * as Orthanc and dcm4chee do), wildcards {@code *} and {@code ?} for text, UID lists, ranges
 * {@code A-B}, {@code -B}, {@code A-} for dates and times, universal matching for an empty value; a
 * multi-valued attribute (ModalitiesInStudy) matches when any of its values does. Parameters the server does
 * not support (sequence matching, fuzzymatching) are ignored and named in a Warning.
 */
final class QidoQuery {
  static final int MAX_RESULTS = 10_000;
  private static final ElementDictionary DICTIONARY = ElementDictionary.standard();
  private static final Pattern TAG = Pattern.compile("[0-9A-Fa-f]{8}");

  record Match(String tag, VR vr, String value) {}

  final List<Match> matches = new ArrayList<>();
  final Set<String> includeFields = new LinkedHashSet<>();
  boolean includeAll;
  int limit = MAX_RESULTS;
  int offset;
  final List<String> ignored = new ArrayList<>();

  /** Thrown for a malformed query: answered with 400. */
  static final class BadQuery extends Exception {
    BadQuery(String message) {
      super(message);
    }
  }

  static QidoQuery parse(Map<String, List<String>> params) throws BadQuery {
    QidoQuery q = new QidoQuery();
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      String key = p.getKey();
      for (String value : p.getValue()) {
        switch (key) {
          case "limit" -> q.limit = Math.min(number(key, value), MAX_RESULTS);
          case "offset" -> q.offset = number(key, value);
          case "includefield" -> {
            for (String f : value.split(",")) {
              if (f.equals("all")) {
                q.includeAll = true;
              } else if (!f.isBlank()) {
                String tag = tag(f.strip());
                if (tag == null) {
                  q.ignored.add("includefield=" + f);
                } else {
                  q.includeFields.add(tag);
                }
              }
            }
          }
          case "fuzzymatching" -> {
            if (!value.equals("false")) {
              q.ignored.add("fuzzymatching");
            }
          }
          default -> {
            String tag = tag(key);
            if (tag == null) {
              q.ignored.add(key);
            } else {
              VR vr = DICTIONARY.vrOf((int) Long.parseLong(tag, 16));
              q.matches.add(new Match(tag, vr == null ? VR.LO : vr, value));
            }
          }
        }
      }
    }
    return q;
  }

  private static int number(String key, String value) throws BadQuery {
    try {
      int n = Integer.parseInt(value);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadQuery(key + " must be a non-negative integer");
    }
  }

  /** "PatientName" or "00100010" as 8 upper-case hex digits; null for anything else (sequence paths too). */
  static String tag(String key) {
    if (TAG.matcher(key).matches()) {
      return key.toUpperCase(Locale.ROOT);
    }
    int t = DICTIONARY.tagOf(key);
    return t < 0 ? null : String.format("%08X", t);
  }

  /** Whether the attributes match every matching key of the query that the level has. */
  boolean matches(ObjectNode attributes, Set<String> levelTags) {
    for (Match m : matches) {
      if (!levelTags.contains(m.tag())) {
        continue;
      }
      if (!matches(m, attributes.get(m.tag()))) {
        return false;
      }
    }
    return true;
  }

  /** Keys that name attributes this level cannot match on; they are ignored and reported. */
  List<String> unmatchable(Set<String> levelTags) {
    List<String> out = new ArrayList<>();
    for (Match m : matches) {
      if (!levelTags.contains(m.tag())) {
        out.add(m.tag());
      }
    }
    return out;
  }

  static boolean matches(Match m, JsonNode element) {
    // An empty value, or only "*", is universal matching (PS3.4 C.2.2.2.3 and C.2.2.2.4).
    if (m.value().isEmpty() || m.value().chars().allMatch(c -> c == '*')) {
      return true;
    }
    List<String> values = values(element, m.vr());
    if (values.isEmpty()) {
      return false;
    }
    for (String v : values) {
      if (one(m, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean one(Match m, String value) {
    String q = m.value();
    switch (m.vr()) {
      case UI -> {
        for (String uid : q.split("[,\\\\]")) {
          if (uid.strip().equals(value)) {
            return true;
          }
        }
        return false;
      }
      case DA, TM, DT -> {
        int dash = q.indexOf('-');
        if (dash < 0) {
          return normalise(m.vr(), q).equals(normalise(m.vr(), value));
        }
        String from = normalise(m.vr(), q.substring(0, dash));
        String to = normalise(m.vr(), q.substring(dash + 1));
        String v = normalise(m.vr(), value);
        return (from.isEmpty() || v.compareTo(from) >= 0) && (to.isEmpty() || v.compareTo(prefixEnd(to)) <= 0);
      }
      case PN -> {
        return wildcard(q.toLowerCase(Locale.ROOT), value.toLowerCase(Locale.ROOT));
      }
      default -> {
        return wildcard(q, value);
      }
    }
  }

  /** Dates as 8 digits (the ACR-NEMA form 2020.01.31 too), times without separators. */
  private static String normalise(VR vr, String s) {
    return s.strip().replace(".", vr == VR.TM ? "." : "").replace(":", "");
  }

  /** "20200131" as the upper end of a range includes every time of that day in a DT. */
  private static String prefixEnd(String to) {
    return to + "\uffff";
  }

  static boolean wildcard(String pattern, String value) {
    if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
      return pattern.equals(value);
    }
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  /** An element's values as text; a PN's each component group (a match on any of them is a match). */
  private static List<String> values(JsonNode element, VR vr) {
    List<String> out = new ArrayList<>();
    if (element == null) {
      return out;
    }
    for (JsonNode v : element.path("Value")) {
      if (vr == VR.PN && v.isObject()) {
        for (String group : List.of("Alphabetic", "Ideographic", "Phonetic")) {
          if (v.hasNonNull(group)) {
            out.add(v.get(group).asText());
          }
        }
      } else if (v.isValueNode() && !v.isNull()) {
        out.add(v.asText());
      }
    }
    return out;
  }
}
