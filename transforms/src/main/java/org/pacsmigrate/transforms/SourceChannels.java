package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.beam.sdk.io.FileSystems;
import org.pacsmigrate.format.archive.SourceOpener;

/**
 * Opens input files by the path they were listed under, through Beam's file systems, so a local folder and a
 * Cloud Storage bucket take the same code path. The codec seeks (headers first, then frames by offset); a
 * channel that cannot seek is spooled to a local temporary file, deleted when the channel is closed.
 */
public final class SourceChannels {
  private SourceChannels() {}

  public static SeekableByteChannel open(String path) throws IOException {
    return seekable(FileSystems.open(FileSystems.matchNewResource(path, false)));
  }

  /** A {@link SourceOpener} for the archive writer: it opens the file only when the writer gets to it. */
  public static SourceOpener opener(String path) {
    return () -> open(path);
  }

  public static SeekableByteChannel seekable(ReadableByteChannel channel) throws IOException {
    if (channel instanceof SeekableByteChannel seekable) {
      return seekable;
    }
    Path spool = Files.createTempFile("dicomweb-migrate-", ".spool");
    try (ReadableByteChannel in = channel;
        FileChannel out = FileChannel.open(spool, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
      while (in.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spool);
      throw e;
    }
    return FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
  }
}
