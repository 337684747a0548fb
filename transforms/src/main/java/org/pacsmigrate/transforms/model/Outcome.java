package org.pacsmigrate.transforms.model;

import java.util.Locale;

/**
 * What became of one input file. Every listed file gets exactly one, so the manifest accounts for the whole
 * source: files = archived + duplicate + rejected + held.
 */
public enum Outcome {
  /** Its instance is in its study's ZIP. */
  ARCHIVED,
  /** Another file holds the same SOP Instance UID and was archived instead (identical or conflicting). */
  DUPLICATE,
  /** Not DICOM, corrupt, unusable UIDs, or its study's ZIP could not be written. */
  REJECTED,
  /** Kept out of the archive for an operator's decision (set by reconciliation). */
  HELD;

  /** The word written to the manifest: lower case, as operators filter on it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Outcome ofLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
