package org.pacsmigrate.format.dicom;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.TreeMap;

/** A DICOM data set (or sequence item): elements in ascending tag order, as Part 10 stores them. */
public final class DataSet {
  private final TreeMap<Integer, DicomElement> elements = new TreeMap<>(Integer::compareUnsigned);

  public DicomElement get(int tag) {
    return elements.get(tag);
  }

  public boolean contains(int tag) {
    return elements.containsKey(tag);
  }

  /** Adds or replaces the element with the same tag. */
  public DataSet put(DicomElement element) {
    elements.put(element.tag(), element);
    return this;
  }

  public DicomElement remove(int tag) {
    return elements.remove(tag);
  }

  public Collection<DicomElement> elements() {
    return Collections.unmodifiableCollection(elements.values());
  }

  public int size() {
    return elements.size();
  }

  public boolean isEmpty() {
    return elements.isEmpty();
  }

  /**
   * The first value of an ASCII-only element (UI, CS, AE, IS, DS, DA, TM...), trimmed of padding;
   * null when absent, empty or not held in memory. Not for values that may need a character set.
   */
  public String asciiString(int tag) {
    String[] values = asciiStrings(tag);
    return values == null || values.length == 0 ? null : values[0];
  }

  /** All values of an ASCII-only element, each trimmed; null when absent or empty. */
  public String[] asciiStrings(int tag) {
    DicomElement e = elements.get(tag);
    if (e == null || !e.hasBytes() || e.bytes().length == 0) {
      return null;
    }
    String s = new String(e.bytes(), StandardCharsets.ISO_8859_1);
    String[] parts = s.split("\\\\", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = trimPadding(parts[i]);
    }
    return parts;
  }

  /** An integer from US, SS, UL, SL (binary) or IS (text); {@code missing} when absent or unreadable. */
  public long integer(int tag, long missing) {
    DicomElement e = elements.get(tag);
    if (e == null || !e.hasBytes()) {
      return missing;
    }
    byte[] b = e.bytes();
    switch (e.vr()) {
      case US:
        return b.length >= 2 ? (b[0] & 0xFF) | (b[1] & 0xFF) << 8 : missing;
      case SS:
        return b.length >= 2 ? (short) ((b[0] & 0xFF) | (b[1] & 0xFF) << 8) : missing;
      case UL:
        return b.length >= 4 ? ((b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24)
            : missing;
      case SL:
        return b.length >= 4 ? ((b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24)
            : missing;
      case IS:
      case DS:
        String s = asciiString(tag);
        if (s == null) {
          return missing;
        }
        try {
          return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException ex) {
          return missing;
        }
      default:
        return missing;
    }
  }

  private static String trimPadding(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == 0)) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
      end--;
    }
    return s.substring(start, end);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataSet d && elements.equals(d.elements);
  }

  @Override
  public int hashCode() {
    return Objects.hash(elements);
  }

  @Override
  public String toString() {
    return "DataSet" + elements.values();
  }
}
