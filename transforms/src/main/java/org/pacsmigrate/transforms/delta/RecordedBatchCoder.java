package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.pacsmigrate.transforms.model.StatelessCoder;

/**
 * A batch of index records ({@link RecordedInstance}) coded as one array of bytes, and decoded into a list that
 * keeps that array: encoding it again writes the array as it is, and its records are made only when read.
 *
 * <p>Why: a grouping on the Direct runner buffers each key's values, and every bundle that adds to a key copies
 * all the values buffered before it (each encoded and decoded again). A delta run's carry-over receives the
 * unchanged files' batches from every bundle of the comparison: with one object per record, that copying grew
 * with the bundles times the records (16 s of step time in a 200,000-file delta run); with one array per batch
 * it is a copy of the array.
 *
 * <p>The form: the count, then the records as one byte array, each record as its run (8 bytes), its length (4
 * bytes) and its bytes. One form per list, so deterministic.
 */
public final class RecordedBatchCoder extends StatelessCoder<List<RecordedInstance>> {
  private static final RecordedBatchCoder INSTANCE = new RecordedBatchCoder();
  private static final VarIntCoder COUNT = VarIntCoder.of();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  private static final int RECORD_HEADER = Long.BYTES + Integer.BYTES;

  private RecordedBatchCoder() {}

  public static RecordedBatchCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(List<RecordedInstance> value, OutputStream out) throws IOException {
    COUNT.encode(value.size(), out);
    BYTES.encode(value instanceof Packed p ? p.bytes : pack(value), out);
  }

  @Override
  public List<RecordedInstance> decode(InputStream in) throws IOException {
    int count = COUNT.decode(in);
    byte[] bytes = BYTES.decode(in);
    if (count < 0 || (long) count * RECORD_HEADER > bytes.length) {
      throw new IOException("a batch of " + count + " records in " + bytes.length + " bytes");
    }
    // Where each record starts: the lengths must add up to the array exactly.
    int[] starts = new int[count];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int i = 0; i < count; i++) {
      starts[i] = b.position();
      int length = b.remaining() < RECORD_HEADER ? -1 : b.getInt(b.position() + Long.BYTES);
      if (length < 0 || length > b.remaining() - RECORD_HEADER) {
        throw new IOException("a batch of " + count + " records cut short at record " + i);
      }
      b.position(b.position() + RECORD_HEADER + length);
    }
    if (b.hasRemaining()) {
      throw new IOException("a batch of " + count + " records with " + b.remaining() + " bytes after them");
    }
    return new Packed(bytes, starts);
  }

  private static byte[] pack(List<RecordedInstance> records) {
    long total = 0;
    for (RecordedInstance r : records) {
      total += RECORD_HEADER + r.payload().length;
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a batch of " + total + " bytes: batches are kept far smaller");
    }
    ByteBuffer b = ByteBuffer.allocate((int) total);
    for (RecordedInstance r : records) {
      b.putLong(r.run()).putInt(r.payload().length).put(r.payload());
    }
    return b.array();
  }

  /** The records of one packed array, each made when read. */
  private static final class Packed extends AbstractList<RecordedInstance> implements RandomAccess {
    private final byte[] bytes;
    private final int[] starts;

    Packed(byte[] bytes, int[] starts) {
      this.bytes = bytes;
      this.starts = starts;
    }

    @Override
    public int size() {
      return starts.length;
    }

    @Override
    public RecordedInstance get(int index) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      b.position(starts[index]);
      long run = b.getLong();
      byte[] payload = new byte[b.getInt()];
      b.get(payload);
      return RecordedInstance.decoded(run, payload);
    }
  }
}
