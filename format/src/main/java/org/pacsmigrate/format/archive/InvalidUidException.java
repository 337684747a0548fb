package org.pacsmigrate.format.archive;

/**
 * A UID that breaks the rules of PS3.5 9.1. It would become part of an entry name, so it is refused rather than
 * repaired: a repaired UID would no longer match the instance's other references to it.
 */
public class InvalidUidException extends IllegalArgumentException {
  private final String what;
  private final String reason;

  public InvalidUidException(String what, String reason, String uid) {
    super(what + " is not a valid UID (" + reason + "): " + Uids.show(uid));
    this.what = what;
    this.reason = reason;
  }

  /** Which UID it was, such as "Series Instance UID". */
  public String what() {
    return what;
  }

  /** The rule it breaks. */
  public String reason() {
    return reason;
  }
}
