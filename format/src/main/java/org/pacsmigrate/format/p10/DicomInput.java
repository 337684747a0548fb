package org.pacsmigrate.format.p10;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Buffered, position-tracking input over a seekable channel (skips are seeks, so values left in the file cost
 * nothing to pass) or over a stream (inflated data, where skipping means reading). Knows how many bytes are
 * left when the size is known, so that no claimed length is trusted before it is checked.
 */
final class DicomInput {
  private final SeekableByteChannel channel;
  private final InputStream stream;
  private final long size;
  private final byte[] buf;
  private int bufPos;
  private int bufLen;
  private long bufStart;

  private DicomInput(SeekableByteChannel channel, InputStream stream, long size, long start) {
    this.channel = channel;
    this.stream = stream;
    this.size = size;
    this.bufStart = start;
    // Small files are the common case in a PACS; a buffer larger than the file is wasted allocation.
    this.buf = new byte[(int) (size >= 0 ? Math.max(256, Math.min(64 * 1024, size - start)) : 64 * 1024)];
  }

  static DicomInput of(SeekableByteChannel channel) throws IOException {
    return new DicomInput(channel, null, channel.size(), channel.position());
  }

  /** A stream whose size is unknown; positions count from 0. */
  static DicomInput of(InputStream stream) {
    return new DicomInput(null, stream, -1, 0);
  }

  long position() {
    return bufStart + bufPos;
  }

  /** Bytes left, or -1 when the size is not known (a stream). */
  long remaining() {
    return size < 0 ? -1 : size - position();
  }

  boolean seekable() {
    return channel != null;
  }

  private boolean fill() throws IOException {
    if (bufPos < bufLen) {
      return true;
    }
    bufStart += bufLen;
    bufPos = 0;
    bufLen = 0;
    int n;
    if (channel != null) {
      n = channel.read(ByteBuffer.wrap(buf));
    } else {
      n = stream.read(buf);
    }
    if (n <= 0) {
      return false;
    }
    bufLen = n;
    return true;
  }

  boolean hasMore() throws IOException {
    return fill();
  }

  int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buf[bufPos++] & 0xFF;
  }

  /** Reads up to len bytes, fewer only at end of input; returns the count. */
  int readAvailable(byte[] b, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      if (!fill()) {
        break;
      }
      int n = Math.min(len - done, bufLen - bufPos);
      System.arraycopy(buf, bufPos, b, off + done, n);
      bufPos += n;
      done += n;
    }
    return done;
  }

  void readFully(byte[] b, int off, int len) throws IOException {
    if (readAvailable(b, off, len) != len) {
      throw new EOFException();
    }
  }

  void skip(long n) throws IOException {
    if (n < 0) {
      throw new IllegalArgumentException("negative skip");
    }
    long inBuffer = bufLen - bufPos;
    if (n <= inBuffer) {
      bufPos += (int) n;
      return;
    }
    if (channel != null) {
      long target = position() + n;
      if (target > size) {
        throw new EOFException();
      }
      seek(target);
      return;
    }
    long left = n;
    while (left > 0) {
      if (!fill()) {
        throw new EOFException();
      }
      int step = (int) Math.min(left, bufLen - bufPos);
      bufPos += step;
      left -= step;
    }
  }

  /** Moves to an absolute position; a stream can only move within what is buffered. */
  void seek(long target) throws IOException {
    if (target >= bufStart && target <= bufStart + bufLen) {
      bufPos = (int) (target - bufStart);
      return;
    }
    if (channel == null) {
      throw new IOException("cannot seek back in a stream");
    }
    channel.position(target);
    bufStart = target;
    bufPos = 0;
    bufLen = 0;
  }
}
