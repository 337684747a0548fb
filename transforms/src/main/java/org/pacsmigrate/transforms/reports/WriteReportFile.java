package org.pacsmigrate.transforms.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pacsmigrate.format.io.OutputChannel;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.io.PartialFiles;

/**
 * Writes one report file ({@code manifest.csv}, {@code summary.json}, a conflict report) from its lines, one
 * line each, after an optional header: on one worker, to {@code {path}.partial} then moved over {@code path}
 * (a local folder), or as one upload (Cloud Storage shows an object only once complete). A report is never seen
 * half-written, an empty input still gives the file (the header alone), and nothing else is left in the
 * reports folder: Beam's file sinks leave {@code .temp-beam-*} folders when they fail.
 *
 * <p>Any failure is an {@link OutputWriteException} naming the file: a report that cannot be written fails the
 * run. The lines are grouped to one key, as a sink writing one unsharded file does; a runner streams them to
 * the worker (Flink) or holds them (the Direct runner), a row of a few hundred bytes per input file.
 */
public final class WriteReportFile extends PTransform<PCollection<String>, PDone> {
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  private static final String TEXT = "text/plain";

  private final String path;
  private final String header;

  private WriteReportFile(String path, String header) {
    this.path = path;
    this.header = header;
  }

  /** @param path a local path or a {@code gs://} object name */
  public static WriteReportFile to(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("a report path is required");
    }
    return new WriteReportFile(path, null);
  }

  public WriteReportFile withHeader(String header) {
    return new WriteReportFile(path, header);
  }

  @Override
  public PDone expand(PCollection<String> lines) {
    KvCoder<Integer, String> coder = KvCoder.of(VarIntCoder.of(), NullableCoder.of(StringUtf8Coder.of()));
    PCollection<KV<Integer, String>> keyed = lines
        .apply("Key", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
            .via(line -> KV.of(0, line)))
        .setCoder(coder);
    // One null line, skipped when writing, so the key exists and the file is written even without any line.
    PCollection<KV<Integer, String>> always = lines.getPipeline()
        .apply("Always", Create.of(KV.of(0, (String) null)).withCoder(coder));
    PCollectionList.of(keyed).and(always)
        .apply("Together", Flatten.pCollections())
        .apply("OneFile", GroupByKey.create())
        .apply("Write", ParDo.of(new WriteFn(path, header)));
    return PDone.in(lines.getPipeline());
  }

  static final class WriteFn extends DoFn<KV<Integer, Iterable<String>>, Void> {
    private final String path;
    private final String header;

    WriteFn(String path, String header) {
      this.path = path;
      this.header = header;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> file) throws IOException {
      write(path, header, file.getValue());
    }
  }

  /** Writes the file; every failure is an {@link OutputWriteException} naming it. */
  public static void write(String path, String header, Iterable<String> lines) throws IOException {
    if (URL.matcher(path).find() && !path.startsWith("file://")) {
      try (WritableByteChannel channel = FileSystems.create(FileSystems.matchNewResource(path, false), TEXT)) {
        writeLines(Channels.newWriter(channel, StandardCharsets.UTF_8), header, lines);
      } catch (IOException | RuntimeException e) {
        throw new OutputWriteException(path, e);
      }
      return;
    }
    Path target = Path.of(path.startsWith("file://") ? path.substring("file://".length()) : path);
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      try (OutputChannel out = new OutputChannel(PartialFiles.create(partial), partial.toString())) {
        writeLines(new OutputStreamWriter(Channels.newOutputStream(out), StandardCharsets.UTF_8), header, lines);
        out.force();
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof IOException io ? OutputWriteException.of(path, io) : new OutputWriteException(path, e);
    } finally {
      PartialFiles.done(partial);
    }
  }

  private static void writeLines(Writer raw, String header, Iterable<String> lines) throws IOException {
    Writer w = new BufferedWriter(raw, 64 * 1024);
    if (header != null) {
      w.write(header);
      w.write('\n');
    }
    for (String line : lines) {
      if (line != null) {
        w.write(line);
        w.write('\n');
      }
    }
    w.flush();
  }
}
