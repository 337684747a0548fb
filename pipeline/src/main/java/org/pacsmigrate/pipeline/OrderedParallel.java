package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a fixed pool and hands their results on in the order the tasks were given, with at most a few
 * tasks per thread in flight: the output is the same as a loop's, and memory holds only the results that wait for
 * an earlier one.
 */
final class OrderedParallel implements AutoCloseable {
  /** Takes one result, on the calling thread, in task order. */
  interface Sink<T> {
    void accept(T result) throws IOException;
  }

  /** One task; its exceptions end the whole run (tasks report their own expected failures as results). */
  interface Task<T> {
    T call() throws IOException;
  }

  private final ExecutorService pool;
  private final int window;

  /** @param threads how many tasks run at once */
  OrderedParallel(int threads, String name) {
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.window = threads * 4;
  }

  /** Runs {@code task} for each item and gives each result to {@code sink} in the items' order. */
  <I, T> void forEach(List<I> items, java.util.function.Function<I, Task<T>> task, Sink<T> sink)
      throws IOException {
    Deque<Future<T>> inFlight = new ArrayDeque<>();
    try {
      for (I item : items) {
        if (inFlight.size() >= window) {
          sink.accept(get(inFlight.removeFirst()));
        }
        Task<T> t = task.apply(item);
        inFlight.addLast(pool.submit((Callable<T>) t::call));
      }
      while (!inFlight.isEmpty()) {
        sink.accept(get(inFlight.removeFirst()));
      }
    } finally {
      inFlight.forEach(f -> f.cancel(true));
    }
  }

  private static <T> T get(Future<T> f) throws IOException {
    try {
      return f.get();
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
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
