package org.pacsmigrate.format.archive;

/**
 * DICOM UID rules (PS3.5 9.1). Archive entry names are built from UIDs, so these rules are also what keeps
 * a name inside its folder: only digits and single dots are allowed, hence no "/", no ".." and no empty name.
 */
public final class Uids {
  public static final int MAX_LENGTH = 64;

  private Uids() {}

  /** Returns {@code uid} when valid; otherwise throws an exception naming {@code what} and the broken rule. */
  public static String requireValid(String uid, String what) {
    String reason = problem(uid);
    if (reason != null) {
      throw new InvalidUidException(what, reason, uid);
    }
    return uid;
  }

  public static boolean isValid(String uid) {
    return problem(uid) == null;
  }

  /** The first rule {@code uid} breaks, or null when it is valid. */
  public static String problem(String uid) {
    if (uid == null) {
      return "missing";
    }
    if (uid.isEmpty()) {
      return "empty";
    }
    if (uid.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    int componentStart = 0;
    for (int i = 0; i <= uid.length(); i++) {
      char c = i < uid.length() ? uid.charAt(i) : '.';
      if (c == '.') {
        int length = i - componentStart;
        if (length == 0) {
          return i == 0 ? "starts with a dot" : i == uid.length() ? "ends with a dot" : "has an empty component";
        }
        if (length > 1 && uid.charAt(componentStart) == '0') {
          return "has a component with a leading zero";
        }
        componentStart = i + 1;
      } else if (c < '0' || c > '9') {
        return "has a character other than a digit or a dot";
      }
    }
    return null;
  }

  /** For messages: UIDs are not patient data, but an invalid one may be any text, so it is clipped and escaped. */
  static String show(String uid) {
    if (uid == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < uid.length() && i < 80; i++) {
      char c = uid.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append(uid.length() > 80 ? "\"..." : "\"");
    return b.toString();
  }
}
