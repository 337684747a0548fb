package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.StatelessCoder;

/**
 * An instance record as an earlier run recorded it ({@link RunIndex#INSTANCE}): the run, and the record's bytes
 * as they are. What the listing is compared with (path, size, modification time) and the study it belongs to are
 * read from the front of the record when first asked for. Most of a delta run's files are unchanged and their
 * studies carried over: their records are recorded again byte for byte and never decoded whole ({@link #decode}
 * is for the studies done again). A runner that copies records (the Direct runner copies a group's values each
 * time a bundle adds to it) copies bytes, not parsed fields.
 */
public final class RecordedInstance {
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private final long run;
  private final byte[] payload;
  private volatile Front front;

  /** The fields read from the front of the record. */
  private record Front(String path, long size, long modified, String studyUid) {}

  private RecordedInstance(long run, byte[] payload, Front front) {
    this.run = run;
    this.payload = Objects.requireNonNull(payload, "payload");
    this.front = front;
  }

  /**
   * A record as read from a journal, whose checksum was checked: its front is read at once, so that a record
   * cut short fails here, naming nothing but the journal's reader.
   *
   * @throws IOException the record is cut short
   */
  public static RecordedInstance of(long run, byte[] payload) throws IOException {
    return new RecordedInstance(run, payload, front(payload));
  }

  /** A record as a coder gives it back: its front is read when asked for. */
  static RecordedInstance decoded(long run, byte[] payload) {
    return new RecordedInstance(run, payload, null);
  }

  public static RecordedInstance of(long run, ParsedInstance instance) {
    try {
      return of(run, org.apache.beam.sdk.util.CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), instance));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: in memory", e);
    }
  }

  // ParsedInstanceCoder writes path, size, modification time and Study Instance UID first.
  private static Front front(byte[] payload) throws IOException {
    InputStream in = new ByteArrayInputStream(payload);
    String path = STRING.decode(in);
    long size = LONG.decode(in);
    long modified = LONG.decode(in);
    return new Front(path, size, modified, STRING.decode(in));
  }

  private Front front() {
    Front f = front;
    if (f == null) {
      try {
        f = front(payload);
      } catch (IOException e) {
        throw new UncheckedIOException("an index record is cut short", e);
      }
      front = f;
    }
    return f;
  }

  public long run() {
    return run;
  }

  public byte[] payload() {
    return payload;
  }

  public String path() {
    return front().path();
  }

  public long size() {
    return front().size();
  }

  public long modified() {
    return front().modified();
  }

  public String studyUid() {
    return front().studyUid();
  }

  /** The whole record. */
  public ParsedInstance decode() {
    try {
      return ParsedInstanceCoder.of().decode(new ByteArrayInputStream(payload));
    } catch (IOException e) {
      // Its front was read when the journal was (each record's checksum was checked then).
      throw new UncheckedIOException("an index record of " + path() + " is cut short", e);
    }
  }

  /** The run and the record's bytes; the rest is read again from them when asked for. */
  public static final class Coder extends StatelessCoder<RecordedInstance> {
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
      return decoded(run, BYTES.decode(in));
    }
  }

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
    return "RecordedInstance[run=" + run + ", path=" + path() + ", study=" + studyUid() + "]";
  }
}
