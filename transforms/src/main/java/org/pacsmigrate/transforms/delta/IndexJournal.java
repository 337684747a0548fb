package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.pacsmigrate.format.io.OutputWriteException;

/**
 * One file of a run's index: append-only, written by one worker thread as it goes, so that a run killed at any
 * point leaves every record it finished readable. A header names the run (its source and settings, id, start
 * time); then records, each {@code kind (1 byte), length (4 bytes, big endian), payload, CRC32C of kind and
 * payload (4 bytes)}. A reader stops at a torn last record (the run was killed while appending it) and reports
 * a record whose checksum fails as corrupt.
 */
public final class IndexJournal {
  static final byte[] MAGIC = "DWM-INDEX-1\n".getBytes(StandardCharsets.US_ASCII);
  /** A record is one lean instance or study: far below this, which bounds what a lying length can allocate. */
  static final int MAX_RECORD = 1 << 20;
  private static final int MAX_HEADER = 1 << 16;

  private IndexJournal() {}

  /** Who wrote a journal. */
  public record Header(IndexIdentity identity, String runId, long runStarted) {}

  /** What one read found: the header and whether the records ended cleanly, torn, or corrupt. */
  public enum End { CLEAN, TORN, CORRUPT }

  /** Receives records in file order. */
  public interface Visitor {
    void record(byte kind, byte[] payload) throws IOException;
  }

  /** Appends records; {@link #flush} hands them to the operating system (a killed JVM keeps them). */
  public static final class Writer implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 16);
    private final CRC32C crc = new CRC32C();

    private Writer(Path file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    /** Creates the file (it must not exist) and writes its header. */
    public static Writer create(Path file, Header header) throws OutputWriteException {
      try {
        Files.createDirectories(file.getParent());
        Writer w = new Writer(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        w.pending.write(MAGIC);
        byte[] h = headerText(header).getBytes(StandardCharsets.UTF_8);
        w.pending.write(int32(h.length));
        w.pending.write(h);
        w.flush();
        return w;
      } catch (IOException e) {
        throw OutputWriteException.of(file.toString(), e);
      }
    }

    public void append(byte kind, byte[] payload) {
      crc.reset();
      crc.update(kind);
      crc.update(payload);
      pending.write(kind);
      pending.writeBytes(int32(payload.length));
      pending.writeBytes(payload);
      pending.writeBytes(int32((int) crc.getValue()));
    }

    public int pendingBytes() {
      return pending.size();
    }

    public void flush() throws OutputWriteException {
      if (pending.size() == 0) {
        return;
      }
      ByteBuffer b = ByteBuffer.wrap(pending.toByteArray());
      try {
        while (b.hasRemaining()) {
          channel.write(b);
        }
      } catch (IOException e) {
        throw OutputWriteException.of(file.toString(), e);
      }
      pending.reset();
    }

    @Override
    public void close() throws OutputWriteException {
      try {
        flush();
      } finally {
        try {
          channel.close();
        } catch (IOException e) {
          throw OutputWriteException.of(file.toString(), e);
        }
      }
    }
  }

  /** The header alone (a journal whose header cannot be read is not a journal of any run). */
  public static Header readHeader(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readHeader(new DataInputStream(in), file);
    }
  }

  /** Reads the whole file; returns how it ended. */
  public static End read(Path file, Visitor visitor) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Channels.newInputStream(ch),
            1 << 16))) {
      readHeader(in, file);
      CRC32C crc = new CRC32C();
      while (true) {
        int kind = in.read();
        if (kind < 0) {
          return End.CLEAN;
        }
        byte[] payload;
        int stored;
        try {
          int length = in.readInt();
          if (length < 0 || length > MAX_RECORD) {
            return End.CORRUPT;
          }
          payload = new byte[length];
          in.readFully(payload);
          stored = in.readInt();
        } catch (EOFException e) {
          return End.TORN;
        }
        crc.reset();
        crc.update(kind);
        crc.update(payload);
        if ((int) crc.getValue() != stored) {
          return End.CORRUPT;
        }
        visitor.record((byte) kind, payload);
      }
    }
  }

  private static Header readHeader(DataInputStream in, Path file) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    try {
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + ": not an index journal");
      }
      int length = in.readInt();
      if (length < 0 || length > MAX_HEADER) {
        throw new IOException(file + ": header length " + length);
      }
      byte[] text = new byte[length];
      in.readFully(text);
      return parseHeader(new String(text, StandardCharsets.UTF_8), file);
    } catch (EOFException e) {
      throw new IOException(file + ": header cut short", e);
    }
  }

  static String headerText(Header h) {
    // Lines of key=value; the source may hold any character but a line break (SourcePaths escapes those).
    return "source=" + h.identity().source() + "\nsettings=" + h.identity().settings() + "\nrun=" + h.runId()
        + "\nstarted=" + h.runStarted() + "\n";
  }

  static Header parseHeader(String text, Object file) throws IOException {
    String source = null;
    String settings = null;
    String run = null;
    Long started = null;
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String value = line.substring(eq + 1);
      switch (line.substring(0, eq)) {
        case "source" -> source = value;
        case "settings" -> settings = value;
        case "run" -> run = value;
        case "started" -> {
          try {
            started = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IOException(file + ": bad start time " + value);
          }
        }
        default -> { }
      }
    }
    if (source == null || settings == null || run == null || started == null) {
      throw new IOException(file + ": incomplete header");
    }
    return new Header(new IndexIdentity(source, settings), run, started);
  }

  static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
