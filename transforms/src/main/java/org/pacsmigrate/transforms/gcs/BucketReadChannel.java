package org.pacsmigrate.transforms.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;

/**
 * An object read with random access: the client's {@link ReadChannel} can seek (each seek starts a new ranged
 * read), so the codec reads a header and then frames by offset straight from the bucket, with no local copy.
 * The generation is fixed at open, so an object replaced while it is read fails the read instead of mixing two
 * versions. Bytes come as stored: an object with {@code Content-Encoding: gzip} is not decompressed.
 */
final class BucketReadChannel implements SeekableByteChannel {
  private final ReadChannel reader;
  private final long size;
  private long position;
  private boolean seekNeeded;

  private BucketReadChannel(ReadChannel reader, long size) {
    this.reader = reader;
    this.size = size;
  }

  static BucketReadChannel open(Storage storage, BucketResourceId id) throws IOException {
    Blob blob = storage.get(id.blobId());
    if (blob == null) {
      throw new NoSuchFileException(id.toString());
    }
    ReadChannel reader = storage.reader(BlobId.of(id.bucket(), id.object(), blob.getGeneration()),
        Storage.BlobSourceOption.shouldReturnRawInputStream(true));
    return new BucketReadChannel(reader, blob.getSize());
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkOpen();
    if (position >= size) {
      return -1;
    }
    if (seekNeeded) {
      reader.seek(position);
      seekNeeded = false;
    }
    int n = reader.read(dst);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long position() throws IOException {
    checkOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    checkOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position");
    }
    if (newPosition != position) {
      position = newPosition;
      seekNeeded = true;
    }
    return this;
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return size;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return reader.isOpen();
  }

  @Override
  public void close() {
    reader.close();
  }

  private void checkOpen() throws ClosedChannelException {
    if (!reader.isOpen()) {
      throw new ClosedChannelException();
    }
  }
}
