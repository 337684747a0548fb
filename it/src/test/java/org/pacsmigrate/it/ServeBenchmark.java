package org.pacsmigrate.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * The serve benchmark (README, "Serving an archive"): frames/s and metadata requests/s for {@code serve} over the
 * study ZIPs, nginx over the tree layout of the same migration (the static limit) and Orthanc with its DICOMweb
 * plugin loaded with the same files; the same frames, the same client (the JDK's HTTP client, HTTP/1.1,
 * {@code -Dbench.connections} keep-alive connections, default 4), in the same run. Data: two 100-frame
 * 512x512x16 instances (52 MB each) and a 60-instance CT study of 512x512x16 frames, generated. Prints figures;
 * asserts nothing about speed. Run it with
 * {@code mvn -B -pl format,transforms,pipeline,it -am verify -Dtest=ServeBenchmark -Dbenchmark=true
 * -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dbench.seconds=N}: time per measurement, default 8).
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ServeBenchmark {
  static final int ROWS = 512;
  static final int COLUMNS = 512;
  static final int MULTIFRAME = 100;
  static final int CT_INSTANCES = 60;

  @TempDir Path dir;

  record Frame(String study, String series, String sop, int number) {}

  @Test
  void framesAndMetadataPerSecond() throws Exception {
    int connections = Integer.getInteger("bench.connections", 4);
    int seconds = Integer.getInteger("bench.seconds", 8);
    Path input = Files.createDirectories(dir.resolve("pacs"));
    List<Frame> frames = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    String mf = "2.25.1001";
    String ct = "2.25.1002";
    for (int i = 1; i <= 2; i++) {
      files.add(write(input.resolve("mf" + i + ".dcm"), mf, mf + ".1", mf + ".1." + i, "MR", MULTIFRAME, i));
      for (int n = 1; n <= MULTIFRAME; n++) {
        frames.add(new Frame(mf, mf + ".1", mf + ".1." + i, n));
      }
    }
    for (int i = 1; i <= CT_INSTANCES; i++) {
      files.add(write(input.resolve("ct" + i + ".dcm"), ct, ct + ".1", ct + ".1." + i, "CT", 1, 100 + i));
      frames.add(new Frame(ct, ct + ".1", ct + ".1." + i, 1));
    }
    PipelineJar.run(dir.resolve("zip.log"), Duration.ofMinutes(10), "--input=" + input, "--output=" + dir.resolve("zip"));
    PipelineJar.run(dir.resolve("tree.log"), Duration.ofMinutes(10), "--input=" + input,
        "--output=" + dir.resolve("tree"), "--layout=tree");
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%-14s %12s %10s %14s", "server", "frames/s", "MB/s", "metadata/s"));
    double[] serve;
    double[] nginx;
    try (LocalServers.Server s = LocalServers.serve(dir.resolve("zip"), dir)) {
      serve = measure(s.root(), frames, List.of(mf, ct), connections, seconds);
    }
    lines.add(row("serve (ZIPs)", serve));
    try (LocalServers.Server s = LocalServers.nginx(dir.resolve("tree"), dir)) {
      nginx = measure(s.root(), frames, List.of(mf, ct), connections, seconds);
    }
    lines.add(row("nginx (tree)", nginx));
    try (LocalServers.Server s = LocalServers.orthanc(files, dir)) {
      lines.add(row("orthanc", measure(s.root(), frames, List.of(mf, ct), connections, seconds)));
    } catch (org.opentest4j.TestAbortedException e) {
      lines.add("orthanc        not installed");
    }
    System.err.println("ServeBenchmark: " + frames.size() + " frames of " + ROWS * COLUMNS * 2 / 1024
        + " KiB (two " + MULTIFRAME + "-frame instances, a " + CT_INSTANCES + "-instance CT study), " + connections
        + " keep-alive connections, " + seconds + " s per figure, " + Runtime.getRuntime().availableProcessors()
        + " cores");
    lines.forEach(l -> System.err.println("  " + l));
    System.err.printf("  serve / nginx: frames %.0f %%, metadata %.0f %%%n", 100 * serve[0] / nginx[0],
        100 * serve[2] / nginx[2]);
  }

  private static String row(String name, double[] r) {
    return String.format("%-14s %12.0f %10.0f %14.0f", name, r[0], r[1], r[2]);
  }

  /** {frames/s, MB/s, metadata requests/s}. */
  private static double[] measure(String root, List<Frame> frames, List<String> studies, int connections,
      int seconds) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<HttpRequest> frameRequests = new ArrayList<>();
    for (Frame f : frames) {
      frameRequests.add(HttpRequest.newBuilder(URI.create(root + "/studies/" + f.study() + "/series/" + f.series()
          + "/instances/" + f.sop() + "/frames/" + f.number()))
          .header("Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*").build());
    }
    List<HttpRequest> metadataRequests = new ArrayList<>();
    for (String s : studies) {
      metadataRequests.add(HttpRequest.newBuilder(URI.create(root + "/studies/" + s + "/metadata"))
          .header("Accept", "application/dicom+json").header("Accept-Encoding", "gzip").build());
    }
    // One pass first: warms caches (page cache, the JIT, Orthanc's) and checks every answer.
    run(client, frameRequests, 1, 0, frameRequests.size());
    long[] f = run(client, frameRequests, connections, seconds, Integer.MAX_VALUE);
    run(client, metadataRequests, 1, 0, metadataRequests.size());
    long[] m = run(client, metadataRequests, connections, seconds, Integer.MAX_VALUE);
    double fs = f[0] / (f[2] / 1e9);
    return new double[] {fs, f[1] / (f[2] / 1e9) / 1e6, m[0] / (m[2] / 1e9)};
  }

  /** Requests from {@code threads} workers in turn until {@code seconds} pass or {@code max} are done: {count, bytes, ns}. */
  private static long[] run(HttpClient client, List<HttpRequest> requests, int threads, int seconds, int max)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          byte[] buffer = new byte[256 * 1024];
          while (true) {
            int i = next.getAndIncrement();
            if (i >= max || seconds > 0 && System.nanoTime() > deadline) {
              return null;
            }
            HttpRequest r = requests.get(i % requests.size());
            HttpResponse<InputStream> resp = client.send(r, HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            try (InputStream in = resp.body()) {
              for (int k = in.read(buffer); k >= 0; k = in.read(buffer)) {
                n += k;
              }
            }
            if (resp.statusCode() != 200) {
              throw new IOException(r.uri() + ": " + resp.statusCode());
            }
            bytes.addAndGet(n);
            done.incrementAndGet();
          }
        }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return new long[] {done.get(), bytes.get(), System.nanoTime() - start};
  }

  /** A native 512x512x16 MONOCHROME2 instance of {@code frames} frames of noise (12 bits stored). */
  private static Path write(Path file, String study, String series, String sop, String modality, int frames, int seed)
      throws IOException {
    DataSet ds = new DataSet();
    ds.put(text(Tag.SOPClassUID, VR.UI, modality.equals("CT") ? "1.2.840.10008.5.1.4.1.1.2"
        : "1.2.840.10008.5.1.4.1.1.4.1"));
    ds.put(text(Tag.SOPInstanceUID, VR.UI, sop));
    ds.put(text(Tag.StudyInstanceUID, VR.UI, study));
    ds.put(text(Tag.SeriesInstanceUID, VR.UI, series));
    ds.put(text(0x00080020, VR.DA, "20240101"));
    ds.put(text(0x00080060, VR.CS, modality));
    ds.put(text(0x00100010, VR.PN, "Bench^Mark"));
    ds.put(text(0x00100020, VR.LO, "BENCH-1"));
    ds.put(text(0x00200013, VR.IS, Integer.toString(seed)));
    ds.put(us(Tag.SamplesPerPixel, 1));
    ds.put(text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"));
    if (frames > 1) {
      ds.put(text(Tag.NumberOfFrames, VR.IS, Integer.toString(frames)));
    }
    ds.put(us(Tag.Rows, ROWS));
    ds.put(us(Tag.Columns, COLUMNS));
    ds.put(us(Tag.BitsAllocated, 16));
    ds.put(us(0x00280101, 12));
    ds.put(us(0x00280102, 11));
    ds.put(us(Tag.PixelRepresentation, 0));
    long length = (long) frames * ROWS * COLUMNS * 2;
    ds.put(DicomElement.ofBulk(Tag.PixelData, VR.OW, new BulkData(0, length)));
    Random random = new Random(seed);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, (path, vr, range, sink) -> {
        byte[] chunk = new byte[1 << 16];
        for (long left = range.length(); left > 0; left -= chunk.length) {
          random.nextBytes(chunk);
          for (int i = 1; i < chunk.length; i += 2) {
            chunk[i] &= 0x0F;
          }
          sink.write(chunk, 0, (int) Math.min(left, chunk.length));
        }
      }, out);
    }
    return file;
  }

  private static DicomElement text(int tag, VR vr, String value) {
    String padded = value.length() % 2 == 0 ? value : value + (vr == VR.UI ? "\0" : " ");
    return DicomElement.ofBytes(tag, vr, padded.getBytes(StandardCharsets.US_ASCII));
  }

  private static DicomElement us(int tag, int value) {
    return DicomElement.ofBytes(tag, VR.US, new byte[] {(byte) value, (byte) (value >>> 8)});
  }
}
