package org.pacsmigrate.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.pacsmigrate.transforms.model.ManifestRow;

/**
 * verify's {@link SourceCount}, run on a thread of its own so that its walk of the input overlaps the re-reading
 * of the sources (on a small machine the walk alone is a few tenths of a second of one core); its lines are
 * held until {@link #printOnce}, so they come out where a single thread would print them: first. When verify
 * ends on an exception before that, the walk's thread (a daemon) is left to finish on its own.
 */
final class PendingCount {
  private record Counted(String text, int failures) {}

  private final CompletableFuture<Counted> result;
  private boolean printed;

  private PendingCount(CompletableFuture<Counted> result) {
    this.result = result;
  }

  static PendingCount start(List<ManifestRow> manifest, String input) {
    CompletableFuture<Counted> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failures;
        try (PrintStream lines = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
          failures = SourceCount.check(manifest, input, lines);
        }
        result.complete(new Counted(bytes.toString(StandardCharsets.UTF_8), failures));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "verify-count");
    t.setDaemon(true);
    t.start();
    return new PendingCount(result);
  }

  /**
   * The first call waits for the count, prints its lines to {@code out} and returns its failures (0 or 1); later
   * calls print nothing and return 0. The count's own exception is thrown as it was.
   */
  int printOnce(PrintStream out) throws IOException {
    if (printed) {
      return 0;
    }
    printed = true;
    Counted counted;
    try {
      counted = result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
    out.print(counted.text());
    return counted.failures();
  }
}
