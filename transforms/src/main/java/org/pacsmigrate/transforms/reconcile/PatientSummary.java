package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * What one archived study says about its patient, after reconciliation: the input of the cross-study check,
 * grouped by {@link #patientKey()}. Small on purpose (a few strings per study), so grouping every study by
 * patient costs little. Values are displays (null when absent); holds patient data.
 */
public record PatientSummary(String patientId, String issuer, String studyUid, String name, String birthDate,
    String sex, long instances, String examplePath) {

  /** PatientID and issuer: one patient, whatever else the studies say. */
  public String patientKey() {
    return patientId + "\u0000" + (issuer == null ? "" : issuer);
  }

  public static final class Coder extends CustomCoder<PatientSummary> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(PatientSummary p, OutputStream out) throws IOException {
      STRING.encode(p.patientId(), out);
      NULLABLE.encode(p.issuer(), out);
      STRING.encode(p.studyUid(), out);
      NULLABLE.encode(p.name(), out);
      NULLABLE.encode(p.birthDate(), out);
      NULLABLE.encode(p.sex(), out);
      VarLongCoder.of().encode(p.instances(), out);
      STRING.encode(p.examplePath(), out);
    }

    @Override
    public PatientSummary decode(InputStream in) throws IOException {
      return new PatientSummary(STRING.decode(in), NULLABLE.decode(in), STRING.decode(in), NULLABLE.decode(in),
          NULLABLE.decode(in), NULLABLE.decode(in), VarLongCoder.of().decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
