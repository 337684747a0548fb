package org.pacsmigrate.format.p10;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.io.ChannelSink;

/**
 * Reads values that {@link P10Reader} left in the source, byte for byte as stored (source byte order).
 *
 * <p>For a deflated file the ranges are offsets in the inflated stream: it is inflated again from the start
 * of the data set up to the range. Reading ranges in ascending order (frames 1..n) inflates the file once;
 * going backwards starts over. Deflated files are rare and small (the syntax is for structured reports and
 * the like, not images), so spooling them to disk would cost more than it saves. A deflated source is never
 * inflated past the last value the header read recorded: that read was bounded by its inflation limit
 * ({@link P10Reader#DEFAULT_MAX_INFLATION_RATIO}), so this is too, even when the file changed since.
 */
public final class BulkDataReader implements Closeable {
  private final SeekableByteChannel channel;
  private final DicomFile file;
  private InputStream inflated;
  private long inflatedPosition;
  private long recordedExtent = -1;

  public BulkDataReader(SeekableByteChannel channel, DicomFile file) {
    this.channel = channel;
    this.file = file;
  }

  public static BulkDataReader open(Path path, DicomFile file) throws IOException {
    return new BulkDataReader(FileChannel.open(path, StandardOpenOption.READ), file);
  }

  /** Copies the range to out, in chunks; never holds the whole value. */
  public void copy(BulkData range, OutputStream out) throws IOException {
    if (out instanceof ChannelSink sink && channel instanceof FileChannel source
        && !file.transferSyntax().deflated()) {
      // Straight from the file into the sink's buffer: no byte[] copy, no seek per chunk.
      if (range.end() > source.size() || sink.transferFrom(source, range.offset(), range.length()) < range.length()) {
        throw truncated(range);
      }
      return;
    }
    byte[] buf = new byte[(int) Math.min(range.length(), 256 * 1024)];
    if (file.transferSyntax().deflated()) {
      if (range.end() > recordedExtent()) {
        throw new DicomParseException(file.source(), range.offset(), "value of " + range.length()
            + " bytes lies past the inflated data set the header was read from (" + recordedExtent() + " bytes)");
      }
      InputStream in = inflatedAt(range.offset());
      long left = range.length();
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(left, buf.length));
        if (n < 0) {
          throw truncated(range);
        }
        out.write(buf, 0, n);
        left -= n;
        inflatedPosition += n;
      }
      return;
    }
    if (range.end() > channel.size()) {
      throw truncated(range);
    }
    long position = range.offset();
    long left = range.length();
    ByteBuffer bb = ByteBuffer.wrap(buf);
    while (left > 0) {
      bb.clear().limit((int) Math.min(left, buf.length));
      channel.position(position);
      int n = channel.read(bb);
      if (n <= 0) {
        throw truncated(range);
      }
      out.write(buf, 0, n);
      position += n;
      left -= n;
    }
  }

  /** The range's bytes in memory; for values known to be small enough (frames, offset tables...). */
  public byte[] read(BulkData range) throws IOException {
    if (range.length() > Integer.MAX_VALUE - 16) {
      throw new IOException(file.source() + ": value at offset " + range.offset() + " is too large to hold");
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) range.length());
    copy(range, out);
    return out.toByteArray();
  }

  private long recordedExtent() {
    if (recordedExtent < 0) {
      recordedExtent = extent(file.dataSet());
    }
    return recordedExtent;
  }

  private static long extent(DataSet ds) {
    long max = 0;
    for (DicomElement e : ds.elements()) {
      if (e.isBulk()) {
        max = Math.max(max, e.bulk().end());
      }
      if (e.isEncapsulated()) {
        for (BulkData f : e.fragments()) {
          max = Math.max(max, f.end());
        }
      }
      if (e.isSequence()) {
        for (DataSet item : e.items()) {
          max = Math.max(max, extent(item));
        }
      }
    }
    return max;
  }

  private InputStream inflatedAt(long offset) throws IOException {
    if (inflated == null || offset < inflatedPosition) {
      channel.position(file.dataSetOffset());
      inflated = new InflaterInputStream(Channels.newInputStream(channel), new Inflater(true), 64 * 1024);
      inflatedPosition = 0;
    }
    long skip = offset - inflatedPosition;
    while (skip > 0) {
      long n = inflated.skip(skip);
      if (n <= 0) {
        if (inflated.read() < 0) {
          throw new EOFException(file.source() + ": inflated data set ends before offset " + offset);
        }
        n = 1;
      }
      skip -= n;
      inflatedPosition += n;
    }
    return inflated;
  }

  private DicomParseException truncated(BulkData range) {
    return new DicomParseException(file.source(), range.offset(),
        "file ends inside a value of " + range.length() + " bytes");
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
