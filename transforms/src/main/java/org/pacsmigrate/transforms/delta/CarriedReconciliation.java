package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.PatientSummary;
import org.pacsmigrate.transforms.reconcile.StudyContext;

/**
 * What reconciling one study gave besides its archive: its findings, its patient summary (for the checks across a
 * patient's studies) and what the review page shows of it. Kept in the index so that a later run can report a
 * study none of whose files changed without reconciling it again (patient data: the index is as private as the
 * conflict reports).
 */
public record CarriedReconciliation(String studyUid, List<Finding> findings, PatientSummary patient,
    StudyContext context) {

  public CarriedReconciliation {
    Objects.requireNonNull(studyUid, "studyUid");
    findings = List.copyOf(findings);
  }

  public byte[] encode() {
    try {
      return CoderUtils.encodeToByteArray(Coder.of(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: in memory", e);
    }
  }

  public static CarriedReconciliation decode(byte[] bytes) throws IOException {
    return CoderUtils.decodeFromByteArray(Coder.of(), bytes);
  }

  public static final class Coder extends CustomCoder<CarriedReconciliation> {
    private static final Coder INSTANCE = new Coder();
    private static final ListCoder<Finding> FINDINGS = ListCoder.of(Finding.Coder.of());
    private static final NullableCoder<PatientSummary> PATIENT = NullableCoder.of(PatientSummary.Coder.of());
    private static final NullableCoder<StudyContext> CONTEXT = NullableCoder.of(StudyContext.Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(CarriedReconciliation v, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(v.studyUid(), out);
      FINDINGS.encode(v.findings(), out);
      PATIENT.encode(v.patient(), out);
      CONTEXT.encode(v.context(), out);
    }

    @Override
    public CarriedReconciliation decode(InputStream in) throws IOException {
      return new CarriedReconciliation(StringUtf8Coder.of().decode(in), FINDINGS.decode(in), PATIENT.decode(in),
          CONTEXT.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
