package org.pacsmigrate.format.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where verify puts the Part 10 file it exports from the archive before reading it back: in memory while it is
 * small (most instances; creating, writing and deleting a file for each cost more than comparing it), in a
 * temporary file once it grows past {@code limit}, so memory stays bounded whatever the instance's size.
 */
final class ExportBuffer extends OutputStream {
  private final Path workDir;
  private final int limit;
  private byte[] bytes = new byte[16 * 1024];
  private int count;
  private Path file;
  private OutputStream spill;

  /** @param limit the most bytes held in memory; past it, everything goes to a temporary file in {@code workDir} */
  ExportBuffer(Path workDir, int limit) {
    this.workDir = workDir;
    this.limit = limit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (spill == null && (long) count + len > limit) {
      Files.createDirectories(workDir);
      file = Files.createTempFile(workDir, "verify-", ".dcm");
      spill = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
      spill.write(bytes, 0, count);
    }
    if (spill != null) {
      spill.write(b, off, len);
      return;
    }
    if (count + len > bytes.length) {
      bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) count + len, 2L * bytes.length)));
    }
    System.arraycopy(b, off, bytes, count, len);
    count += len;
  }

  /** A new channel on what was written (call after the last write); each is closed by its user. */
  SeekableByteChannel channel() throws IOException {
    if (spill != null) {
      spill.flush();
      return FileChannel.open(file, StandardOpenOption.READ);
    }
    return new ByteArrayChannel(bytes, count);
  }

  /**
   * Empties the buffer for the next export, keeping its memory (a study's instances are exported one after the
   * other: one array per study, not one per instance) and removing the temporary file, if one was made. Channels
   * taken before must not be used after.
   */
  void reset() throws IOException {
    count = 0;
    if (spill != null) {
      try {
        spill.close();
      } finally {
        spill = null;
        Files.deleteIfExists(file);
        file = null;
      }
    }
  }

  /** Removes the temporary file, if one was made. */
  @Override
  public void close() throws IOException {
    reset();
  }

  /** A read-only channel on the first {@code size} bytes of an array. */
  static final class ByteArrayChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private final int size;
    private long position;
    private boolean open = true;

    ByteArrayChannel(byte[] bytes, int size) {
      this.bytes = bytes;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      ensureOpen();
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), size - position);
      dst.put(bytes, (int) position, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      ensureOpen();
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      ensureOpen();
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position " + newPosition);
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      ensureOpen();
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }

    private void ensureOpen() throws ClosedChannelException {
      if (!open) {
        throw new ClosedChannelException();
      }
    }
  }
}
