package org.pacsmigrate.transforms.reconcile;

/**
 * The words a finding's {@code rule} uses: how its chosen value was decided. Stated once here, so reports,
 * documentation and tests agree.
 *
 * <p>The default rule, among the instances of the study (or series): the value carried by most instances
 * (values that differ only cosmetically count as one; empty and absent do not vote when any instance carries a
 * value); a tie goes to the value of the most recently created instance (InstanceCreationDate/Time), then to
 * the most recent ContentDate/Time, then to the value found in the smallest source path. The spelling
 * chosen within cosmetic variants is decided the same way.
 */
public final class DecisionRule {
  public static final String MAJORITY = "majority of instances";
  public static final String ONLY_VALUE = "the only value carried (empty and absent do not vote)";
  public static final String TIE_CREATION = "tie broken by the most recent InstanceCreationDate/Time";
  public static final String TIE_CONTENT = "tie broken by the most recent ContentDate/Time";
  public static final String TIE_PATH = "tie broken by the smallest source path";
  /** Every rule of a finding that holds its study starts with this. */
  public static final String HELD = "held for review";
  public static final String HELD_PREFIX = HELD + "; suggestion by ";
  public static final String UNENCODABLE = HELD + "; the chosen value cannot be written in the character set of "
      + "some instances";
  public static final String REVIEWER = "resolved by reviewer";
  /** The value of the hospital's reference file ({@code --reference}), which wins over the rules. */
  public static final String REFERENCE = "reference";
  public static final String NOT_IN_REFERENCE = "not in the reference (the value found is kept)";
  public static final String CROSS_STUDY = "reported only: each study keeps its own value";
  public static final String POSSIBLE_DUPLICATE = "reported only: possible duplicate patients (different "
      + "PatientIDs, same birth date and sex, names that sound alike); never merged automatically";

  private DecisionRule() {}

  static String held(String rule) {
    return HELD_PREFIX + rule;
  }
}
