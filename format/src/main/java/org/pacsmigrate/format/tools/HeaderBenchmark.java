package org.pacsmigrate.format.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;

/**
 * Prints header-parse throughput (files/s, MB/s) over a folder of DICOM files and over a large multi-frame file
 * that it generates, with peak heap. A command, not a test: figures depend on the machine.
 *
 * <p>Usage: {@code HeaderBenchmark [--corpus DIR] [--frames N] [--rounds N]}
 */
public final class HeaderBenchmark {
  public static void main(String[] args) throws IOException {
    Path corpus = null;
    int frames = 1000;
    int rounds = 20;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--corpus" -> corpus = Path.of(args[++i]);
        case "--frames" -> frames = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    P10Reader reader = new P10Reader();
    if (corpus != null) {
      benchmarkCorpus(reader, corpus, rounds);
    }
    Path big = Files.createTempFile("header-benchmark", ".dcm");
    try {
      long size = writeMultiFrame(big, frames);
      resetPeaks();
      long t0 = System.nanoTime();
      int n = 0;
      for (int i = 0; i < rounds; i++) {
        DicomFile f = reader.read(big);
        n += FrameLocator.locate(f).size() > 0 ? 1 : 0;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("large file: %d frames 512x512x16, %.1f MB; %d header parses in %.3f s = %.0f files/s,"
          + " %.0f MB/s of file described; peak heap %.1f MB%n", frames, size / 1e6, n, seconds, n / seconds,
          size * (double) n / 1e6 / seconds, peakHeap() / 1e6);
    } finally {
      Files.deleteIfExists(big);
    }
  }

  private static void benchmarkCorpus(P10Reader reader, Path corpus, int rounds) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(corpus)) {
      s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
    }
    long bytes = 0;
    for (Path p : files) {
      bytes += Files.size(p);
    }
    // Warm-up so that the figure measures parsing, not class loading and JIT.
    parseAll(reader, files);
    resetPeaks();
    long t0 = System.nanoTime();
    int parsed = 0;
    for (int i = 0; i < rounds; i++) {
      parsed += parseAll(reader, files);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    int total = files.size() * rounds;
    System.out.printf("corpus: %d files (%.1f MB), %d rounds: %.0f files/s, %.1f MB/s; %d of %d parsed per round"
        + " (the rest rejected with a reason); peak heap %.1f MB%n", files.size(), bytes / 1e6, rounds,
        total / seconds, bytes * (double) rounds / 1e6 / seconds, parsed / rounds, files.size(), peakHeap() / 1e6);
  }

  private static int parseAll(P10Reader reader, List<Path> files) throws IOException {
    int ok = 0;
    for (Path p : files) {
      try {
        reader.read(p);
        ok++;
      } catch (DicomParseException e) {
        // Rejections are part of the workload.
      }
    }
    return ok;
  }

  /** A 16-bit MONOCHROME2 multi-frame file, explicit VR little endian; pixels are zeros written for real. */
  static long writeMultiFrame(Path path, int frames) throws IOException {
    long pixelBytes = 512L * 512 * 2 * frames;
    try (OutputStream out = Files.newOutputStream(path)) {
      out.write(new byte[128]);
      out.write("DICM".getBytes(StandardCharsets.US_ASCII));
      ByteBuffer meta = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
      element(meta, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1\0");
      ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) 2).putShort((short) 0).put("UL".getBytes(StandardCharsets.US_ASCII)).putShort((short) 4)
          .putInt(meta.position());
      b.put(meta.array(), 0, meta.position());
      element(b, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7.3\0");
      element(b, 0x0008, 0x0018, "UI", "2.25.1234567890\0");
      element(b, 0x0010, 0x0010, "PN", "Benchmark^Large");
      element(b, 0x0020, 0x000D, "UI", "2.25.1\0");
      element(b, 0x0020, 0x000E, "UI", "2.25.2\0");
      element(b, 0x0028, 0x0002, 2, 1);
      element(b, 0x0028, 0x0004, "CS", "MONOCHROME2 ");
      element(b, 0x0028, 0x0008, "IS", pad(Integer.toString(frames)));
      element(b, 0x0028, 0x0010, 2, 512);
      element(b, 0x0028, 0x0011, 2, 512);
      element(b, 0x0028, 0x0100, 2, 16);
      b.putShort((short) 0x7FE0).putShort((short) 0x0010).put("OW".getBytes(StandardCharsets.US_ASCII))
          .putShort((short) 0).putInt((int) pixelBytes);
      out.write(b.array(), 0, b.position());
      byte[] chunk = new byte[1 << 20];
      for (long left = pixelBytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
    }
    return Files.size(path);
  }

  private static String pad(String s) {
    return s.length() % 2 == 0 ? s : s + " ";
  }

  private static void element(ByteBuffer b, int group, int element, String vr, String value) {
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    b.putShort((short) group).putShort((short) element).put(vr.getBytes(StandardCharsets.US_ASCII))
        .putShort((short) v.length).put(v);
  }

  private static void element(ByteBuffer b, int group, int element, int unused, int us) {
    b.putShort((short) group).putShort((short) element).put("US".getBytes(StandardCharsets.US_ASCII))
        .putShort((short) 2).putShort((short) us);
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
