package org.pacsmigrate.format.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code .partial} files this JVM is writing (a study ZIP or a report before its move into place), so that
 * a failed run can delete them before it exits. A runner that stops a failed job need not wait for its other
 * workers (the Direct runner does not): they may still be writing when the launcher exits, and would leave
 * their partial files behind. {@link #abandon(Path)} refuses new partial files below the failed run's output
 * from then on and deletes the open ones there; a worker that was writing one then fails its move, which is
 * what a stopped job should do. Other folders are not affected (a JVM may run more than one job, as tests do).
 */
public final class PartialFiles {
  /** Creation holds the read lock, {@link #abandon(Path)} the write lock: no file is created behind its back. */
  private static final ReadWriteLock LOCK = new ReentrantReadWriteLock();
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
  private static final Set<Path> ABANDONED = ConcurrentHashMap.newKeySet();

  private PartialFiles() {}

  /** Creates (or truncates) {@code partial} for writing and records it until {@link #done(Path)}. */
  public static FileChannel create(Path partial) throws OutputWriteException {
    LOCK.readLock().lock();
    try {
      if (ABANDONED.stream().anyMatch(root -> partial.toAbsolutePath().normalize().startsWith(root))) {
        throw new OutputWriteException(partial.toString(), new IOException("the job is stopping after a failure"));
      }
      FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
      OPEN.add(partial);
      return channel;
    } catch (IOException e) {
      throw OutputWriteException.of(partial.toString(), e);
    } finally {
      LOCK.readLock().unlock();
    }
  }

  /** {@code partial} was moved into place or deleted. */
  public static void done(Path partial) {
    OPEN.remove(partial);
  }

  /**
   * Refuses new partial files below {@code root} and deletes those being written there; returns how many were
   * deleted. For the end of a failed run, in the JVM that ran it.
   */
  public static int abandon(Path root) {
    Path folder = root.toAbsolutePath().normalize();
    LOCK.writeLock().lock();
    try {
      ABANDONED.add(folder);
      int deleted = 0;
      for (Path p : OPEN) {
        if (!p.toAbsolutePath().normalize().startsWith(folder)) {
          continue;
        }
        try {
          if (Files.deleteIfExists(p)) {
            deleted++;
          }
        } catch (IOException e) {
          // Swept by the next run's start, which removes every *.partial it finds.
        }
        OPEN.remove(p);
      }
      return deleted;
    } finally {
      LOCK.writeLock().unlock();
    }
  }

  /** Allows partial files below {@code root} again: the start of a run into it. */
  public static void reset(Path root) {
    LOCK.writeLock().lock();
    try {
      ABANDONED.remove(root.toAbsolutePath().normalize());
    } finally {
      LOCK.writeLock().unlock();
    }
  }
}
