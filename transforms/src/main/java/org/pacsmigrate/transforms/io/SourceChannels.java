package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.pacsmigrate.format.archive.SourceOpener;

/**
 * Opens input files by the location they were listed under (the escaped form of {@link SourcePaths}): a local
 * file by its exact bytes, whatever its name and the locale; a bucket's object through Beam's file systems. The
 * codec seeks (headers first, then frames by offset); a channel that cannot seek is spooled to a local temporary
 * file, deleted when the channel is closed.
 */
public final class SourceChannels {
  private SourceChannels() {}

  public static SeekableByteChannel open(String path) throws IOException {
    if (!SourcePaths.isLocal(path)) {
      return seekable(readable(path));
    }
    Path file = localPath(path);
    // The listing read only regular files; one swapped for a FIFO since would block the open forever.
    if (!Files.isRegularFile(file)) {
      throw new IOException(path + " is no longer a regular file");
    }
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  /**
   * Opens an escaped location for reading as a stream, through Beam's file systems for a URL. The resource is
   * made as the bucket's folder resolved with the object's name: Beam finds a spec's scheme with a pattern that
   * stops at a line break, so a whole name holding one would be taken for a local file.
   */
  public static ReadableByteChannel readable(String location) throws IOException {
    if (SourcePaths.isLocal(location)) {
      return open(location);
    }
    String url = SourcePaths.unescapeToString(location);
    int authority = url.indexOf("://") + 3;
    int slash = url.indexOf('/', authority);
    if (slash < 0 || slash == url.length() - 1) {
      throw new IOException("not a file's location: " + location);
    }
    ResourceId folder = FileSystems.matchNewResource(url.substring(0, slash + 1), true);
    return FileSystems.open(folder.resolve(url.substring(slash + 1), StandardResolveOptions.RESOLVE_FILE));
  }

  /** The local file an escaped location names (its exact bytes). */
  public static Path localPath(String location) throws IOException {
    try {
      return SourcePaths.toPath(location);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a local path: " + location + ": " + e.getMessage(), e);
    }
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
