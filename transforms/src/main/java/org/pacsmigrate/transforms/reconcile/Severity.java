package org.pacsmigrate.transforms.reconcile;

import java.util.Locale;

/** How much a difference matters, in increasing order. */
public enum Severity {
  /** Cosmetic (case, spaces around name components, trailing '^', empty vs absent): normalised. */
  INFO,
  /** Values that differ in a non-identifying attribute: resolved by the stated rule. */
  WARNING,
  /** The patient's identity differs within a study: the study is held until a reviewer decides. */
  BLOCKING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
