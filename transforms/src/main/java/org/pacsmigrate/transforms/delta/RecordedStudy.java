package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.pacsmigrate.transforms.model.StatelessCoder;
import org.pacsmigrate.transforms.model.StudyResult;

/**
 * One record an earlier run kept of a study ({@link RunIndex#STUDY}, {@link RunIndex#RECONCILED} or
 * {@link RunIndex#ARCHIVED}): what it is ({@link CarriedStudies#recordedRun}'s kinds), the run, the study, and the
 * record's bytes as they are. A delta run decodes the records only of the studies it carries over; until then,
 * a runner that copies them (the Direct runner copies a group's values each time a bundle adds to it) copies
 * bytes, not manifest rows and findings.
 *
 * @param kind {@link CarriedStudies#WRITTEN}, {@link CarriedStudies#MISSING}, {@link CarriedStudies#RECONCILED}
 *     or {@link CarriedStudies#ARCHIVED}
 */
public record RecordedStudy(int kind, long run, String studyUid, byte[] payload) {

  public RecordedStudy {
    Objects.requireNonNull(studyUid, "studyUid");
    Objects.requireNonNull(payload, "payload");
  }

  /** A study record as read from a journal, decoded once by the reader. */
  static RecordedStudy written(long run, StudyRecord s, byte[] payload) {
    return new RecordedStudy(s.missingFromSource() ? CarriedStudies.MISSING : CarriedStudies.WRITTEN, run,
        s.studyUid(), payload);
  }

  /**
   * A reconciled or archived record as read from a journal; null for a kind that is neither.
   *
   * @throws IOException the record is cut short
   */
  static RecordedStudy of(byte journalKind, long run, byte[] payload) throws IOException {
    int kind = journalKind == RunIndex.RECONCILED ? CarriedStudies.RECONCILED
        : journalKind == RunIndex.ARCHIVED ? CarriedStudies.ARCHIVED : 0;
    if (kind == 0) {
      return null;
    }
    // Each of these records begins with the study's UID.
    return new RecordedStudy(kind, run, StringUtf8Coder.of().decode(new ByteArrayInputStream(payload)), payload);
  }

  StudyRecord study() {
    try {
      return StudyRecord.decode(payload);
    } catch (IOException e) {
      throw cutShort(e);
    }
  }

  CarriedReconciliation reconciliation() {
    try {
      return CarriedReconciliation.decode(payload);
    } catch (IOException e) {
      throw cutShort(e);
    }
  }

  StudyResult archived() {
    try {
      return CoderUtils.decodeFromByteArray(StudyResult.Coder.of(), payload);
    } catch (IOException e) {
      throw cutShort(e);
    }
  }

  // Its checksum was checked when the journal was read: a record that does not decode is a bug, not bad input.
  private UncheckedIOException cutShort(IOException e) {
    return new UncheckedIOException("an index record of study " + studyUid + " does not decode", e);
  }

  public static final class Coder extends StatelessCoder<RecordedStudy> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RecordedStudy r, OutputStream out) throws IOException {
      VarIntCoder.of().encode(r.kind(), out);
      VarLongCoder.of().encode(r.run(), out);
      StringUtf8Coder.of().encode(r.studyUid(), out);
      ByteArrayCoder.of().encode(r.payload(), out);
    }

    @Override
    public RecordedStudy decode(InputStream in) throws IOException {
      return new RecordedStudy(VarIntCoder.of().decode(in), VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in), ByteArrayCoder.of().decode(in));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedStudy r && r.kind == kind && r.run == run && r.studyUid.equals(studyUid)
        && Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, run, studyUid) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "RecordedStudy[kind=" + kind + ", run=" + run + ", study=" + studyUid + "]";
  }
}
