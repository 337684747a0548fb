package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * What the index knows of one study's archive: the fingerprint of everything its bytes were made from
 * ({@link StudyFingerprint}), how it was found on disk right after it was written ({@link ArchiveStamp}), and
 * its size. {@code missingFromSource}: the study's files are gone from the source; its archive is kept and the
 * record carried from run to run so that every later run reports it too.
 */
public record StudyRecord(String studyUid, byte[] fingerprint, boolean missingFromSource, int instances,
    long zipBytes, ArchiveStamp stamp) {

  public StudyRecord {
    Objects.requireNonNull(studyUid, "studyUid");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(stamp, "stamp");
  }

  public StudyRecord asMissingFromSource() {
    return new StudyRecord(studyUid, fingerprint, true, instances, zipBytes, stamp);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try {
      Coder.of().encode(this, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static StudyRecord decode(byte[] bytes) throws IOException {
    return Coder.of().decode(new ByteArrayInputStream(bytes));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StudyRecord r && studyUid.equals(r.studyUid) && Arrays.equals(fingerprint, r.fingerprint)
        && missingFromSource == r.missingFromSource && instances == r.instances && zipBytes == r.zipBytes
        && stamp.equals(r.stamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(studyUid, Arrays.hashCode(fingerprint), stamp);
  }

  public static final class Coder extends CustomCoder<StudyRecord> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StudyRecord v, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(v.studyUid(), out);
      ByteArrayCoder.of().encode(v.fingerprint(), out);
      BooleanCoder.of().encode(v.missingFromSource(), out);
      VarIntCoder.of().encode(v.instances(), out);
      VarLongCoder.of().encode(v.zipBytes(), out);
      VarLongCoder.of().encode(v.stamp().size(), out);
      VarLongCoder.of().encode(v.stamp().modifiedNanos(), out);
    }

    @Override
    public StudyRecord decode(InputStream in) throws IOException {
      return new StudyRecord(StringUtf8Coder.of().decode(in), ByteArrayCoder.of().decode(in),
          BooleanCoder.of().decode(in), VarIntCoder.of().decode(in), VarLongCoder.of().decode(in),
          new ArchiveStamp(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in)));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
