package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.format.dicom.Tag;

/**
 * One difference reconciliation found: an attribute whose instances (of a study, or of a series) do not all
 * carry the same value, or a patient whose studies disagree. Holds patient data (the values): it goes to the
 * conflict reports, never to a log.
 *
 * @param study the Study Instance UID; for a cross-study finding, the PatientID
 * @param series the Series Instance UID for a series-level finding, else empty
 * @param attribute the attribute's keyword
 * @param values each distinct value as found (after removing padding), most frequent first
 * @param chosen the value the archive gets (null: the attribute is left out; for a held study, the rule's
 *     suggestion; for a cross-study finding, null: nothing is changed)
 * @param rule how {@code chosen} was decided, in words (see {@link DecisionRule})
 * @param reviewer who decided, when a reviewer did; else empty
 * @param comment the reviewer's comment; else empty
 * @param issuer for a cross-study finding, the IssuerOfPatientID; else empty
 */
public record Finding(String study, Level level, String series, String attribute, int tag, Severity severity,
    List<ValueCount> values, String chosen, String rule, String reviewer, String comment, String issuer) {

  /**
   * One distinct value and where it was found.
   *
   * @param value null when the attribute is absent; "" when present and empty
   * @param examples up to {@link #EXAMPLES} source paths, smallest first
   * @param studies for a cross-study finding, the studies that carry the value; else empty
   */
  public record ValueCount(String value, long instances, List<String> examples, List<String> studies) {
    public static final int EXAMPLES = 3;

    public ValueCount {
      examples = List.copyOf(examples);
      studies = List.copyOf(studies);
    }
  }

  /** Reports list studies in order, then levels, series and attributes by tag; findings across studies last. */
  public static final Comparator<Finding> REPORT_ORDER = Comparator
      .comparing((Finding f) -> f.level().acrossStudies())
      .thenComparing(Finding::study)
      .thenComparing(Finding::level)
      .thenComparing(Finding::series)
      .thenComparing(Finding::tag, Integer::compareUnsigned)
      .thenComparing(Finding::issuer);

  public Finding {
    Objects.requireNonNull(study, "study");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(rule, "rule");
    series = series == null ? "" : series;
    values = List.copyOf(values);
    reviewer = reviewer == null ? "" : reviewer;
    comment = comment == null ? "" : comment;
    issuer = issuer == null ? "" : issuer;
  }

  /** "00100010", as DICOM JSON keys a tag. */
  public String tagHex() {
    return Tag.toHex(tag);
  }

  /** The number of instances the finding covers. */
  public long instances() {
    return values.stream().mapToLong(ValueCount::instances).sum();
  }

  public boolean resolvedByReviewer() {
    return rule.equals(DecisionRule.REVIEWER);
  }

  public static final class Coder extends CustomCoder<Finding> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
    private static final ListCoder<String> STRINGS = ListCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Finding f, OutputStream out) throws IOException {
      STRING.encode(f.study(), out);
      ByteCoder.of().encode((byte) f.level().ordinal(), out);
      STRING.encode(f.series(), out);
      STRING.encode(f.attribute(), out);
      VarIntCoder.of().encode(f.tag(), out);
      ByteCoder.of().encode((byte) f.severity().ordinal(), out);
      VarIntCoder.of().encode(f.values().size(), out);
      for (ValueCount v : f.values()) {
        NULLABLE.encode(v.value(), out);
        VarLongCoder.of().encode(v.instances(), out);
        STRINGS.encode(v.examples(), out);
        STRINGS.encode(v.studies(), out);
      }
      NULLABLE.encode(f.chosen(), out);
      STRING.encode(f.rule(), out);
      STRING.encode(f.reviewer(), out);
      STRING.encode(f.comment(), out);
      STRING.encode(f.issuer(), out);
    }

    @Override
    public Finding decode(InputStream in) throws IOException {
      String study = STRING.decode(in);
      Level level = Level.values()[ByteCoder.of().decode(in)];
      String series = STRING.decode(in);
      String attribute = STRING.decode(in);
      int tag = VarIntCoder.of().decode(in);
      Severity severity = Severity.values()[ByteCoder.of().decode(in)];
      int n = VarIntCoder.of().decode(in);
      List<ValueCount> values = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        values.add(new ValueCount(NULLABLE.decode(in), VarLongCoder.of().decode(in), STRINGS.decode(in),
            STRINGS.decode(in)));
      }
      return new Finding(study, level, series, attribute, tag, severity, values, NULLABLE.decode(in),
          STRING.decode(in), STRING.decode(in), STRING.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
