package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.pacsmigrate.format.io.OutputWriteException;

/**
 * The seal on a finished run's index: {@code {output}/index/committed} names the run and each of its journals
 * with its length and CRC32C, and is moved into place atomically once every journal is on disk. Only then are
 * the journals of earlier runs deleted, so at every moment the output holds a complete index of some run, plus
 * perhaps the journals of a run that stopped before its end.
 */
public final class IndexCommit {
  static final String FILE = "committed";

  /** One sealed journal. */
  public record Sealed(String name, long length, long crc32c) {}

  /** What {@code committed} says. */
  public record Contents(IndexJournal.Header header, List<Sealed> journals) {}

  private IndexCommit() {}

  /**
   * Seals this run's journals and removes every other journal (earlier runs', foreign ones).
   *
   * @return how many journals this run wrote
   */
  public static int commit(RunIndex index) throws OutputWriteException {
    Path folder = Path.of(index.folder());
    Path target = folder.resolve(FILE);
    try {
      Files.createDirectories(folder);
      List<Path> mine = new ArrayList<>();
      List<Path> others = new ArrayList<>();
      try (Stream<Path> files = Files.list(folder)) {
        files.filter(RunIndex::isJournal).sorted()
            .forEach(f -> (RunIndex.isJournalOf(f, index.runId()) ? mine : others).add(f));
      }
      StringBuilder text = new StringBuilder(IndexJournal.headerText(
          new IndexJournal.Header(index.identity(), index.runId(), index.runStarted())));
      for (Path f : mine) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        text.append("journal=").append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
            .append(crc32c(f)).append('\n');
      }
      Path partial = folder.resolve(FILE + ".partial");
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
      for (Path f : others) {
        Files.deleteIfExists(f);
      }
      return mine.size();
    } catch (IOException e) {
      throw OutputWriteException.of(target.toString(), e);
    }
  }

  /** Reads {@code committed}; null when there is none. */
  static Contents read(Path folder) throws IOException {
    Path file = folder.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder();
    List<Sealed> journals = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("journal=")) {
        String[] f = line.substring("journal=".length()).split(" ");
        if (f.length != 3) {
          throw new IOException("bad line: " + line);
        }
        try {
          journals.add(new Sealed(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
        } catch (NumberFormatException e) {
          throw new IOException("bad line: " + line);
        }
      } else {
        header.append(line).append('\n');
      }
    }
    return new Contents(IndexJournal.parseHeader(header.toString(), FILE), journals);
  }

  static long crc32c(Path f) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(f)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }
}
