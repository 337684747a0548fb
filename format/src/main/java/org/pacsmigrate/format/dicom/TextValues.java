package org.pacsmigrate.format.dicom;

import java.util.ArrayList;
import java.util.List;

/** How a decoded text value splits into values and which spaces are padding (PS3.5 6.2). */
public final class TextValues {
  private TextValues() {}

  /**
   * Splits on backslash (except for the single-valued LT, ST, UT, UR) and trims: trailing spaces always,
   * leading spaces too except where PS3.5 calls them significant (LT, ST, UT, UR); UI also loses NUL padding.
   * An empty whole value gives an empty list; an empty value among several stays as "".
   */
  public static List<String> split(VR vr, String value) {
    List<String> out = new ArrayList<>();
    if (value.isEmpty()) {
      return out;
    }
    if (vr.isSingleValuedText()) {
      String v = trimEnd(value);
      if (!v.isEmpty()) {
        out.add(v);
      }
      return out;
    }
    for (String part : value.split("\\\\", -1)) {
      out.add(trimStart(trimEnd(part)));
    }
    if (out.size() == 1 && out.get(0).isEmpty()) {
      out.clear();
    }
    return out;
  }

  /** DS and IS allow a leading '+' and forms such as ".5" and "1." that BigDecimal and JSON do not. */
  public static String plainNumber(String s) {
    String t = s.startsWith("+") ? s.substring(1) : s;
    if (t.startsWith(".")) {
      t = "0" + t;
    } else if (t.startsWith("-.")) {
      t = "-0" + t.substring(1);
    }
    if (t.endsWith(".")) {
      t = t + "0";
    }
    return t.replace(".e", ".0e").replace(".E", ".0E");
  }

  private static String trimEnd(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String trimStart(String s) {
    int start = 0;
    while (start < s.length() && s.charAt(start) == ' ') {
      start++;
    }
    return s.substring(start);
  }
}
