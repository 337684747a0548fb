package org.pacsmigrate.transforms.model;

import org.pacsmigrate.format.dicom.DataSet;

/** A date and a time attribute as one string that sorts in time order, for the "most recent" rules. */
public final class SortableDateTime {
  private SortableDateTime() {}

  /**
   * "YYYYMMDDHHMMSS.FFFFFF", comparable as text; empty when the date is absent. Accepts the ACR-NEMA forms
   * ("YYYY.MM.DD", "HH:MM:SS") still found in old archives.
   */
  public static String of(DataSet ds, int dateTag, int timeTag) {
    String date = ds.asciiString(dateTag);
    if (date == null) {
      return "";
    }
    date = date.replace(".", "");
    String time = ds.asciiString(timeTag);
    time = time == null ? "" : time.replace(":", "");
    int dot = time.indexOf('.');
    String whole = dot < 0 ? time : time.substring(0, dot);
    String fraction = dot < 0 ? "" : time.substring(dot + 1);
    return date + pad(whole, 6) + "." + pad(fraction, 6);
  }

  private static String pad(String s, int width) {
    StringBuilder b = new StringBuilder(s.length() > width ? s.substring(0, width) : s);
    while (b.length() < width) {
      b.append('0');
    }
    return b.toString();
  }
}
