package org.pacsmigrate.transforms.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * A list coded as one array of bytes, and decoded into a list that keeps that array: encoding it again writes the
 * array as it is, and an element is decoded when it is read.
 *
 * <p>Why: a grouping on the Direct runner buffers each key's values, and every bundle that adds to a key copies
 * all the values buffered before it, each encoded and decoded again. Thousands of small records handed on one by
 * one made that copying grow with the bundles times the records; as one array per bundle it is a copy of the
 * array.
 *
 * <p>The form: the count, then one byte array holding each element as its length (4 bytes) and its encoding by
 * the element coder. One form per list, so deterministic when the element coder is.
 */
public final class PackedListCoder<T> extends CustomCoder<List<T>> {
  private static final long serialVersionUID = 1L;
  private static final VarIntCoder COUNT = VarIntCoder.of();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private final Coder<T> element;

  private PackedListCoder(Coder<T> element) {
    this.element = Objects.requireNonNull(element);
  }

  public static <T> PackedListCoder<T> of(Coder<T> element) {
    return new PackedListCoder<>(element);
  }

  @Override
  public void encode(List<T> value, OutputStream out) throws IOException {
    COUNT.encode(value.size(), out);
    BYTES.encode(value instanceof Packed<T> p && p.coder.equals(element) ? p.bytes : pack(value), out);
  }

  @Override
  public List<T> decode(InputStream in) throws IOException {
    int count = COUNT.decode(in);
    byte[] bytes = BYTES.decode(in);
    if (count < 0 || (long) count * Integer.BYTES > bytes.length) {
      throw new IOException("a list of " + count + " elements in " + bytes.length + " bytes");
    }
    // Where each element starts: the lengths must add up to the array exactly.
    int[] starts = new int[count];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int i = 0; i < count; i++) {
      int length = b.remaining() < Integer.BYTES ? -1 : b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IOException("a list of " + count + " elements cut short at element " + i);
      }
      starts[i] = b.position();
      b.position(b.position() + length);
    }
    if (b.hasRemaining()) {
      throw new IOException("a list of " + count + " elements with " + b.remaining() + " bytes after them");
    }
    return new Packed<>(element, bytes, starts);
  }

  /** Each element encoded in place after a length that is filled in once it is known: one buffer for all. */
  private byte[] pack(List<T> values) throws IOException {
    Buffer out = new Buffer();
    for (T v : values) {
      int at = out.size();
      out.write(new byte[Integer.BYTES]);
      element.encode(v, out, Coder.Context.OUTER);
      out.putInt(at, out.size() - at - Integer.BYTES);
    }
    return out.toByteArray();
  }

  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(1 << 12);
    }

    void putInt(int at, int value) {
      ByteBuffer.wrap(buf, at, Integer.BYTES).putInt(value);
    }
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    verifyDeterministic(this, "the element coder must be deterministic", element);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackedListCoder<?> other && other.element.equals(element);
  }

  @Override
  public int hashCode() {
    return Objects.hash(PackedListCoder.class, element);
  }

  @Override
  public String toString() {
    return "PackedListCoder(" + element + ")";
  }

  /** The elements of one packed array, each decoded when read. */
  private static final class Packed<T> extends AbstractList<T> implements RandomAccess {
    private final Coder<T> coder;
    private final byte[] bytes;
    private final int[] starts;

    Packed(Coder<T> coder, byte[] bytes, int[] starts) {
      this.coder = coder;
      this.bytes = bytes;
      this.starts = starts;
    }

    @Override
    public int size() {
      return starts.length;
    }

    @Override
    public T get(int index) {
      int start = starts[index];
      int length = ByteBuffer.wrap(bytes).getInt(start - Integer.BYTES);
      try {
        return coder.decode(new ByteArrayInputStream(bytes, start, length), Coder.Context.OUTER);
      } catch (IOException e) {
        throw new UncheckedIOException("element " + index + " of a packed list does not decode", e);
      }
    }
  }
}
