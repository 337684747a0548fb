package org.pacsmigrate.transforms.reconcile;

import java.util.Locale;

/** Where a finding applies: every instance of a study (patient, study), of one series, or across studies. */
public enum Level {
  PATIENT,
  STUDY,
  SERIES,
  /** One PatientID (with its issuer) seen with other names, birth dates or sexes in other studies. */
  CROSS_STUDY,
  /**
   * Patients with different PatientIDs, the same birth date and sex, and names that sound alike: perhaps one
   * person ({@link PossibleDuplicatePatients}); reported only.
   */
  POSSIBLE_DUPLICATE;

  /** Findings about patients rather than one study: reported only, never changed, no resolutions row. */
  public boolean acrossStudies() {
    return this == CROSS_STUDY || this == POSSIBLE_DUPLICATE;
  }

  /** As the reports and the attribute list write it: patient, study, series, cross-study. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Level ofLabel(String label) {
    for (Level l : values()) {
      if (l.label().equals(label)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown level '" + label + "' (patient, study, series or cross-study)");
  }
}
