package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/**
 * An instance record as an earlier run recorded it ({@link RunIndex#INSTANCE}): the run, what the listing is
 * compared with (path, size, modification time) and the study it belongs to, read from the front of the record,
 * and the record's bytes as they are. Most of a delta run's files are unchanged and their studies carried over:
 * their records are recorded again byte for byte and never decoded whole ({@link #decode} is for the studies
 * done again).
 */
public record RecordedInstance(long run, String path, long size, long modified, String studyUid, byte[] payload) {
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  public RecordedInstance {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(studyUid, "studyUid");
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * Reads the fields a delta run compares from an encoded {@link ParsedInstance} ({@link ParsedInstanceCoder}
   * writes path, size, modification time and Study Instance UID first).
   *
   * @throws IOException the record is cut short
   */
  public static RecordedInstance of(long run, byte[] payload) throws IOException {
    InputStream in = new ByteArrayInputStream(payload);
    String path = STRING.decode(in);
    long size = LONG.decode(in);
    long modified = LONG.decode(in);
    return new RecordedInstance(run, path, size, modified, STRING.decode(in), payload);
  }

  public static RecordedInstance of(long run, ParsedInstance instance) {
    try {
      return of(run, org.apache.beam.sdk.util.CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), instance));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: in memory", e);
    }
  }

  /** The whole record. */
  public ParsedInstance decode() {
    try {
      return ParsedInstanceCoder.of().decode(new ByteArrayInputStream(payload));
    } catch (IOException e) {
      // Its front was read when the journal was (each record's checksum was checked then).
      throw new UncheckedIOException("an index record of " + path + " is cut short", e);
    }
  }

  /** The run and the record's bytes; the rest is read again from them. */
  public static final class Coder extends CustomCoder<RecordedInstance> {
    private static final Coder INSTANCE = new Coder();
    private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RecordedInstance value, OutputStream out) throws IOException {
      LONG.encode(value.run(), out);
      BYTES.encode(value.payload(), out);
    }

    @Override
    public RecordedInstance decode(InputStream in) throws IOException {
      long run = LONG.decode(in);
      return RecordedInstance.of(run, BYTES.decode(in));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Coder;
    }

    @Override
    public int hashCode() {
      return Coder.class.hashCode();
    }

    @Override
    public void verifyDeterministic() {}
  }

  // A record holds an array: equal by content, so that PAssert and Beam's checks compare what it says.
  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedInstance r && r.run == run && java.util.Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(run) * 31 + java.util.Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "RecordedInstance[run=" + run + ", path=" + path + ", study=" + studyUid + "]";
  }
}
