package org.pacsmigrate.pipeline.serve;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.Multipart;

/**
 * One study's entries as the server reads them: from its ZIP, whose STORED entries are served from a read-only
 * mapping of the file (the kernel copies the page cache to the socket; the bytes never enter the Java heap and
 * nothing is unzipped), or from the tree layout's files. Entry names reaching this class were built from
 * validated UIDs and element paths ({@link ArchiveLayout}), never taken from a request as they are.
 */
abstract class StudyFiles implements Closeable {

  /** Bytes of one file: {@code length} bytes from {@code offset}. */
  record Region(Source source, long offset, long length) {}

  /** Where a region's bytes are read from. */
  interface Source {
    /** {@code length} bytes from {@code offset}, as a buffer that may be a slice of a mapping. */
    ByteBuffer slice(long offset, int length) throws IOException;

    /** Hands the region to {@code sink} in buffers, each consumed before the next is made. */
    default void writeTo(long offset, long length, BufferSink sink) throws IOException {
      long done = 0;
      while (done < length) {
        int n = (int) Math.min(length - done, 1 << 30);
        sink.write(slice(offset + done, n));
        done += n;
      }
    }
  }

  /** Takes a buffer and returns once its bytes are written (a blocking write to the response). */
  interface BufferSink {
    void write(ByteBuffer buffer) throws IOException;
  }

  void write(Region region, BufferSink sink) throws IOException {
    region.source().writeTo(region.offset(), region.length(), sink);
  }

  /** A ZIP's or a tree file's part, or null when the study has no such entry. */
  abstract StoredPart part(String entryName) throws IOException;

  /** The gzipped metadata entry. */
  abstract InputStream metadata() throws IOException;

  /** How many frame entries the instance has (they are 1..n). */
  abstract int frameCount(String seriesUid, String sopUid) throws IOException;

  /** The study as the format code reads it (for export to Part 10). */
  abstract Path location();

  static StudyFiles zip(Path zip) throws IOException {
    return new Zip(zip);
  }

  static StudyFiles tree(Path root, String studyUid) {
    return new Tree(root, studyUid);
  }

  /** Reads a part head from the first bytes of an entry of {@code size} bytes that {@code source} holds. */
  static StoredPart parse(Source source, long offset, long size) throws IOException {
    int headBytes = (int) Math.min(size, Multipart.MAX_HEAD + 2);
    ByteBuffer head = source.slice(offset, headBytes);
    byte[] bytes = new byte[head.remaining()];
    head.get(bytes);
    Multipart.Part part = Multipart.read(new ByteArrayInputStream(bytes), size);
    int firstLine = indexOfCrlf(bytes);
    String boundary = new String(bytes, 2, firstLine - 2, StandardCharsets.US_ASCII);
    byte[] tail = Multipart.tail(boundary);
    long dataStart = size - part.length() - tail.length;
    ByteBuffer storedTail = source.slice(offset + size - tail.length, tail.length);
    if (!storedTail.equals(ByteBuffer.wrap(tail))) {
      throw new IOException("entry does not end with its part's closing boundary");
    }
    return new StoredPart(part.mediaType(), part.transferSyntax(), boundary, new Region(source, offset, size),
        new Region(source, offset + dataStart, part.length()));
  }

  private static int indexOfCrlf(byte[] b) throws IOException {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    throw new IOException("no boundary line");
  }

  /** A study ZIP mapped in windows; entries are found through the central directory read once, at open. */
  static final class Zip extends StudyFiles implements Source {
    /** Windows start every WINDOW bytes and reach OVERLAP further, so a region of up to OVERLAP fits one. */
    private static final long WINDOW = 1L << 30;
    private static final long OVERLAP = 256L << 20;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final MappedByteBuffer[] windows;
    /** Entry name -> {local header offset, size, data offset or -1 until read}. */
    private final Map<String, long[]> entries = new HashMap<>();
    private final Map<String, Integer> frameCounts = new HashMap<>();

    Zip(Path file) throws IOException {
      this.file = file;
      try (ZipFile zip = ZipFile.builder().setPath(file).setIgnoreLocalFileHeader(true).get()) {
        for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
          if (e.getMethod() != ZipArchiveEntry.STORED) {
            throw new IOException(file + ": entry " + e.getName() + " is not STORED");
          }
          entries.put(e.getName(), new long[] {e.getLocalHeaderOffset(), e.getSize(), -1});
          String name = e.getName();
          int slash = name.lastIndexOf('/');
          if (slash > 0 && name.startsWith("frames/", name.lastIndexOf('/', slash - 1) + 1)) {
            frameCounts.merge(name.substring(0, slash + 1), 1, Integer::sum);
          }
        }
      }
      channel = FileChannel.open(file, StandardOpenOption.READ);
      size = channel.size();
      windows = new MappedByteBuffer[(int) ((size + WINDOW - 1) / WINDOW)];
    }

    @Override
    public ByteBuffer slice(long offset, int length) throws IOException {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new IOException(file + ": range " + offset + "+" + length + " is outside the file");
      }
      int w = (int) (offset / WINDOW);
      long start = w * WINDOW;
      MappedByteBuffer window = window(w);
      if (offset + length <= start + window.capacity()) {
        return window.slice((int) (offset - start), length);
      }
      // Longer than the overlap: read it (rare; frames are far smaller).
      ByteBuffer direct = ByteBuffer.allocateDirect(length);
      while (direct.hasRemaining()) {
        if (channel.read(direct, offset + direct.position()) < 0) {
          throw new IOException(file + ": ends before " + (offset + length));
        }
      }
      return direct.flip();
    }

    private synchronized MappedByteBuffer window(int w) throws IOException {
      if (windows[w] == null) {
        long start = w * WINDOW;
        windows[w] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW + OVERLAP, size - start));
      }
      return windows[w];
    }

    @Override
    StoredPart part(String entryName) throws IOException {
      long[] e = entries.get(entryName);
      if (e == null) {
        return null;
      }
      return parse(this, dataOffset(entryName, e), e[1]);
    }

    private long dataOffset(String name, long[] e) throws IOException {
      if (e[2] < 0) {
        ByteBuffer header = slice(e[0], 30).order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(0) != 0x04034b50) {
          throw new IOException(file + ": no local header for " + name);
        }
        e[2] = e[0] + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
      }
      return e[2];
    }

    @Override
    InputStream metadata() throws IOException {
      String name = entries.keySet().stream().filter(n -> n.endsWith("/metadata") && n.split("/").length == 3)
          .findFirst().orElseThrow(() -> new NoSuchFileException(file + ": no metadata entry"));
      long[] e = entries.get(name);
      ByteBuffer data = slice(dataOffset(name, e), (int) Math.min(e[1], Integer.MAX_VALUE));
      return new ByteBufferInputStream(data);
    }

    @Override
    int frameCount(String seriesUid, String sopUid) {
      for (Map.Entry<String, Integer> f : frameCounts.entrySet()) {
        if (f.getKey().endsWith("/" + ArchiveLayout.framesUri(seriesUid, sopUid) + "/")) {
          return f.getValue();
        }
      }
      return 0;
    }

    @Override
    Path location() {
      return file;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A study of the tree layout: one file per entry. */
  static final class Tree extends StudyFiles {
    private final Path root;
    private final String studyUid;

    Tree(Path root, String studyUid) {
      this.root = root;
      this.studyUid = studyUid;
    }

    @Override
    StoredPart part(String entryName) throws IOException {
      Path file = root.resolve(entryName);
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        return null;
      }
      FileSource source = new FileSource(file);
      return parse(source, 0, size);
    }

    @Override
    InputStream metadata() throws IOException {
      return Files.newInputStream(root.resolve(ArchiveLayout.metadataPath(studyUid)));
    }

    @Override
    int frameCount(String seriesUid, String sopUid) throws IOException {
      Path folder = root.resolve(ArchiveLayout.studyFolder(studyUid) + ArchiveLayout.framesUri(seriesUid, sopUid));
      if (!Files.isDirectory(folder)) {
        return 0;
      }
      try (Stream<Path> files = Files.list(folder)) {
        return (int) files.count();
      }
    }

    @Override
    Path location() {
      return root;
    }

    @Override
    public void close() {}
  }

  /**
   * A tree file, read into a direct buffer of the serving thread (off the Java heap): tree files are many, and
   * mapping each per request would pile up mappings until a garbage collection.
   */
  record FileSource(Path file) implements Source {
    private static final int CHUNK = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

    @Override
    public ByteBuffer slice(long offset, int length) throws IOException {
      ByteBuffer direct = ByteBuffer.allocate(length);
      read(offset, direct);
      return direct.flip();
    }

    @Override
    public void writeTo(long offset, long length, BufferSink sink) throws IOException {
      ByteBuffer buffer = BUFFER.get();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long done = 0;
        while (done < length) {
          buffer.clear().limit((int) Math.min(CHUNK, length - done));
          int n = channel.read(buffer, offset + done);
          if (n < 0) {
            throw new IOException(file + ": ends before " + (offset + length));
          }
          sink.write(buffer.flip());
          done += n;
        }
      }
    }

    private void read(long offset, ByteBuffer into) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        while (into.hasRemaining()) {
          if (channel.read(into, offset + into.position()) < 0) {
            throw new IOException(file + ": ends before " + (offset + into.limit()));
          }
        }
      }
    }
  }

  /** Reads a buffer (a slice of a mapping) as a stream. */
  static final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer buffer;

    ByteBufferInputStream(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public int read() {
      return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (!buffer.hasRemaining()) {
        return len == 0 ? 0 : -1;
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }
  }
}
