package org.pacsmigrate.format.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.pacsmigrate.format.io.ChannelSink;

/**
 * The bytes {@link StoredZipWriter}'s commons-compress path writes, for an archive that needs no ZIP64 (fewer
 * than 65535 entries, every offset and size below 4 GiB, ASCII names: {@link StoredZipWriter.Plan} decides that
 * before the first byte), written through one direct buffer: local headers, part framing and frame data are
 * coalesced into 1 MiB writes; a frame is read into the buffer by position ({@link ChannelSink}), its CRC is
 * computed over the buffer, and it is written from there, so each byte is read once and written once with no
 * copy through the Java heap. The CRC is patched into the local header in the buffer, or with one 4-byte
 * positional write once the header has been flushed.
 *
 * <p>Fields, as commons-compress 1.27 writes them for STORED entries of known size on a seekable channel with
 * the UTF-8 flag: local header version 10, flag 0x0800, time 0, date 1980-01-01, no extra field; central header
 * version made by 20 (platform 0), attributes 0; end record without comment.
 */
final class PlainZipWriter implements Closeable {
  /** Below these, commons-compress writes no ZIP64 record ({@link StoredZipWriter#ZIP64} is AsNeeded). */
  static final long MAX_LENGTH = 0xFFFFFFFFL - 1;
  static final int MAX_ENTRIES = 0xFFFF - 1;
  static final int LOCAL_HEADER = 30;
  static final int CENTRAL_HEADER = 46;
  static final int END_RECORD = 22;
  static final int BUFFER_SIZE = 1 << 20;
  private static final int VERSION_NEEDED = 10;
  private static final int VERSION_MADE_BY = 20;
  private static final int UTF8_FLAG = 0x0800;
  /** {@link StoredZipWriter#ENTRY_TIME} in DOS fields: day 1, month 1, year 1980; 00:00:00. */
  private static final int DOS_DATE = 1 << 5 | 1;
  private static final int DOS_TIME = 0;
  /** One buffer per thread, reused from study to study: direct memory is freed only by the GC. */
  private static final ThreadLocal<ByteBuffer> SPARE = new ThreadLocal<>();

  private record Central(byte[] name, long offset, long size, int crc) {}

  private final SeekableByteChannel out;
  private final List<Central> central = new ArrayList<>();
  private final CRC32 crc = new CRC32();
  private ByteBuffer buf;
  /** Bytes handed to {@code out}; the buffer holds what follows them. */
  private long flushed;
  private boolean finished;

  /** {@code out} must be empty and is left open. */
  PlainZipWriter(SeekableByteChannel out) throws IOException {
    if (out.size() != 0 || out.position() != 0) {
      throw new IllegalArgumentException("a study archive is written to an empty channel");
    }
    this.out = out;
    ByteBuffer spare = SPARE.get();
    SPARE.set(null);
    buf = spare != null ? spare : ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    buf.clear();
  }

  /** Whether a name is written by this writer exactly as commons-compress would (printable ASCII, no '\'). */
  static boolean plainName(String name) {
    if (name.isEmpty() || name.length() > 0xFFFF) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The archive bytes an entry adds: its local header, data and central header. */
  static long cost(String name, long size) {
    return LOCAL_HEADER + CENTRAL_HEADER + 2L * name.length() + size;
  }

  void entry(String name, long size, StoredZipWriter.Body body) throws IOException {
    if (finished || buf == null) {
      throw new IllegalStateException("the archive is finished");
    }
    if (!plainName(name) || size < 0) {
      throw new IllegalArgumentException("not an entry of a plain ZIP: " + name);
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    long offset = position();
    if (central.size() >= MAX_ENTRIES || offset + cost(name, size) > MAX_LENGTH) {
      throw new IllegalStateException("the archive outgrew its plan: it would need ZIP64");
    }
    room(LOCAL_HEADER + nameBytes.length);
    buf.putInt(0x04034b50).putShort((short) VERSION_NEEDED).putShort((short) UTF8_FLAG).putShort((short) 0)
        .putShort((short) DOS_TIME).putShort((short) DOS_DATE).putInt(0).putInt((int) size).putInt((int) size)
        .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
    crc.reset();
    Data data = new Data(name, size);
    body.writeTo(data);
    data.finish();
    int value = (int) crc.getValue();
    patchCrc(offset + 14, value);
    central.add(new Central(nameBytes, offset, size, value));
  }

  /** Writes the central directory and the end record; returns the archive's length. */
  long finish() throws IOException {
    if (finished) {
      return position();
    }
    long start = position();
    for (Central c : central) {
      room(CENTRAL_HEADER + c.name().length);
      buf.putInt(0x02014b50).putShort((short) VERSION_MADE_BY).putShort((short) VERSION_NEEDED)
          .putShort((short) UTF8_FLAG).putShort((short) 0).putShort((short) DOS_TIME).putShort((short) DOS_DATE)
          .putInt(c.crc()).putInt((int) c.size()).putInt((int) c.size()).putShort((short) c.name().length)
          .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
          .putInt((int) c.offset()).put(c.name());
    }
    long length = position() - start;
    room(END_RECORD);
    buf.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) central.size())
        .putShort((short) central.size()).putInt((int) length).putInt((int) start).putShort((short) 0);
    flush();
    finished = true;
    return flushed;
  }

  @Override
  public void close() {
    if (buf != null) {
      SPARE.set(buf);
      buf = null;
    }
  }

  private long position() {
    return flushed + buf.position();
  }

  private void room(int bytes) throws IOException {
    if (buf.remaining() < bytes) {
      flush();
    }
  }

  private void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      flushed += out.write(buf);
    }
    buf.clear();
  }

  private void patchCrc(long at, int value) throws IOException {
    if (at >= flushed) {
      buf.putInt((int) (at - flushed), value);
      return;
    }
    ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).flip();
    out.position(at);
    while (four.hasRemaining()) {
      out.write(four);
    }
    out.position(flushed);
  }

  /** An entry's data: exactly the announced length, into the buffer, through the CRC. */
  private final class Data extends OutputStream implements ChannelSink {
    private final String name;
    private final long expected;
    private long written;

    Data(String name, long expected) {
      this.name = name;
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      reserve(1);
      room(1);
      buf.put((byte) b);
      crc.update(b);
      written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      reserve(len);
      while (len > 0) {
        room(1);
        int n = Math.min(len, buf.remaining());
        buf.put(b, off, n);
        crc.update(b, off, n);
        off += n;
        len -= n;
        written += n;
      }
    }

    @Override
    public long transferFrom(FileChannel source, long position, long length) throws IOException {
      reserve(length);
      long copied = 0;
      while (copied < length) {
        room(1);
        int start = buf.position();
        int n = (int) Math.min(length - copied, buf.remaining());
        int read;
        buf.limit(start + n);
        try {
          read = source.read(buf, position + copied);
        } finally {
          buf.limit(buf.capacity());
        }
        if (read <= 0) {
          break; // the file ends here; the caller says whose range it was
        }
        ByteBuffer just = buf.duplicate();
        just.position(start).limit(start + read);
        crc.update(just);
        copied += read;
        written += read;
      }
      return copied;
    }

    @Override
    public void close() {}

    private void reserve(long len) throws IOException {
      if (len > expected - written) {
        throw new IOException(name + ": more than the " + expected + " bytes announced");
      }
    }

    void finish() throws IOException {
      if (written != expected) {
        throw new IOException(name + ": " + written + " bytes written of the " + expected + " announced");
      }
    }
  }
}
