package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What verify exports is read back whole, from memory or from its spill file, and the spill file goes away. */
class ExportBufferTest {

  @Test
  void smallExportsStayInMemory(@TempDir Path dir) throws IOException {
    byte[] data = random(10_000);
    try (ExportBuffer buffer = new ExportBuffer(dir.resolve("work"), 64 * 1024)) {
      write(buffer, data);
      assertArrayEquals(data, readAll(buffer.channel()));
      assertArrayEquals(data, readAll(buffer.channel()), "each channel reads from the start");
    }
    assertFalse(Files.exists(dir.resolve("work")), "no file for a small export");
  }

  @Test
  void largeExportsSpillToATemporaryFileThatIsRemoved(@TempDir Path dir) throws IOException {
    byte[] data = random(300_001);
    Path work = dir.resolve("work");
    try (ExportBuffer buffer = new ExportBuffer(work, 64 * 1024)) {
      write(buffer, data);
      try (Stream<Path> files = Files.list(work)) {
        assertEquals(1, files.count());
      }
      assertArrayEquals(data, readAll(buffer.channel()));
    }
    try (Stream<Path> files = Files.list(work)) {
      assertEquals(0, files.count(), "the spill file is deleted on close");
    }
  }

  @Test
  void aResetBufferHoldsOnlyTheNextExport(@TempDir Path dir) throws IOException {
    Path work = dir.resolve("work");
    byte[] large = random(200_000);
    byte[] small = random(3_000);
    byte[] smaller = random(1_000);
    try (ExportBuffer buffer = new ExportBuffer(work, 64 * 1024)) {
      write(buffer, large);
      buffer.reset();
      try (Stream<Path> files = Files.list(work)) {
        assertEquals(0, files.count(), "reset removes the spill file");
      }
      write(buffer, small);
      assertArrayEquals(small, readAll(buffer.channel()));
      buffer.reset();
      write(buffer, smaller);
      assertArrayEquals(smaller, readAll(buffer.channel()), "nothing of the longer export before it");
      buffer.reset();
      write(buffer, large);
      assertArrayEquals(large, readAll(buffer.channel()));
    }
  }

  @Test
  void theMemoryChannelSeeksAndRefusesUseAfterClose() throws IOException {
    byte[] data = random(100);
    SeekableByteChannel channel = new ExportBuffer.ByteArrayChannel(data, 50);
    assertEquals(50, channel.size());
    channel.position(45);
    ByteBuffer b = ByteBuffer.allocate(20);
    assertEquals(5, channel.read(b));
    assertEquals(-1, channel.read(b), "nothing past the written size");
    channel.position(200);
    assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
    channel.close();
    assertFalse(channel.isOpen());
    assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
    assertTrue(data.length == 100);
  }

  /** In uneven pieces and single bytes, as a writer writes. */
  private static void write(ExportBuffer buffer, byte[] data) throws IOException {
    int i = 0;
    int piece = 1;
    while (i < data.length) {
      if (piece % 5 == 0) {
        buffer.write(data[i++]);
      } else {
        int n = Math.min(piece * 97, data.length - i);
        buffer.write(data, i, n);
        i += n;
      }
      piece++;
    }
  }

  private static byte[] readAll(SeekableByteChannel channel) throws IOException {
    try (channel) {
      ByteBuffer out = ByteBuffer.allocate((int) channel.size());
      while (out.hasRemaining() && channel.read(out) >= 0) {
        // reads until full
      }
      return out.array();
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}
