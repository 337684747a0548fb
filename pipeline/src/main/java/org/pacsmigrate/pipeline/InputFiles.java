package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.pacsmigrate.transforms.io.SourcePaths;

/**
 * How many entries a run is about to read, counted only up to a limit: enough to tell a short run from a long
 * one before the job starts, at the cost of a walk that stops early (and warms the file system's cache for the
 * listing that follows).
 */
final class InputFiles {
  private InputFiles() {}

  /**
   * The entries below a local folder (files, folders, anything), or {@code limit} once that many were seen;
   * {@code limit} also for a location this cannot count (a bucket, a folder that cannot be read).
   */
  static int countUpTo(String input, int limit) {
    if (input == null || !SourcePaths.isLocal(input)) {
      return limit;
    }
    int count = 0;
    Deque<Path> folders = new ArrayDeque<>();
    folders.push(Path.of(input.startsWith("file://") ? input.substring("file://".length()) : input));
    try {
      while (!folders.isEmpty()) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folders.pop())) {
          for (Path p : entries) {
            if (++count >= limit) {
              return limit;
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
              folders.push(p);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return limit;
    }
    return count;
  }
}
