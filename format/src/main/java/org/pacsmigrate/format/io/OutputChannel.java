package org.pacsmigrate.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A channel of the job's output (a study ZIP being written): any failure of it is an
 * {@link OutputWriteException} naming the file, so the writer that copies source bytes into it can tell a full
 * disk from a broken source.
 */
public final class OutputChannel implements SeekableByteChannel {
  private final SeekableByteChannel channel;
  private final String location;

  public OutputChannel(SeekableByteChannel channel, String location) {
    this.channel = channel;
    this.location = location;
  }

  /** {@code channel} as an output channel, unless it already is one. */
  public static OutputChannel of(SeekableByteChannel channel, String location) {
    return channel instanceof OutputChannel o ? o : new OutputChannel(channel, location);
  }

  public String location() {
    return location;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    try {
      return channel.read(dst);
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    try {
      return channel.write(src);
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  @Override
  public long position() throws IOException {
    try {
      return channel.position();
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    try {
      channel.position(newPosition);
      return this;
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  @Override
  public long size() throws IOException {
    try {
      return channel.size();
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    try {
      channel.truncate(size);
      return this;
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }

  /** Forces the written bytes to the device, when the channel is a file. */
  public void force() throws IOException {
    if (channel instanceof FileChannel file) {
      try {
        file.force(true);
      } catch (IOException e) {
        throw OutputWriteException.of(location, e);
      }
    }
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } catch (IOException e) {
      throw OutputWriteException.of(location, e);
    }
  }
}
