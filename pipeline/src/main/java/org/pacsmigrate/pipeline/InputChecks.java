package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The command line's locations, checked before any work, so that a mistake is exit code 2 with one line rather
 * than a clean run over nothing: an input that is missing, not a folder or unreadable; an output that is the
 * input or inside it (a rerun would read its own archive as sources); an input inside the output.
 */
final class InputChecks {
  private InputChecks() {}

  /** {@code --input=} given empty: today's working directory is never what an operator meant. */
  static void notEmpty(String input) {
    if (input != null && input.isBlank()) {
      throw new UsageException("--input is empty: give the folder or gs://bucket/prefix to read (leave --input "
          + "out to migrate the built-in sample)");
    }
  }

  /** The job's input and output, both absolute (or gs:// URLs). */
  static void job(String input, String output) {
    readableFolder(input);
    if (isUrl(input) || isUrl(output)) {
      if (isUrl(input) && isUrl(output)) {
        String in = slash(input);
        String out = slash(output);
        if (out.equals(in)) {
          throw new UsageException("--output is the same location as --input: " + output);
        }
        if (out.startsWith(in)) {
          throw new UsageException("--output " + output + " is inside --input " + input + ": a rerun would read "
              + "its own archive as sources");
        }
        if (in.startsWith(out)) {
          throw new UsageException("--input " + input + " is inside --output " + output);
        }
      }
      return;
    }
    Path in = real(Path.of(input));
    Path out = real(Path.of(output));
    if (out.equals(in)) {
      throw new UsageException("--output is the input folder: " + output);
    }
    if (out.startsWith(in)) {
      throw new UsageException("--output " + output + " is inside --input " + input + ": a rerun would read its "
          + "own archive as sources");
    }
    if (in.startsWith(out)) {
      throw new UsageException("--input " + input + " is inside --output " + output);
    }
  }

  /** A local input must be a folder that can be listed; a bucket's input is checked when it is listed. */
  static void readableFolder(String input) {
    if (isUrl(input)) {
      return;
    }
    Path in = Path.of(input);
    if (!Files.exists(in)) {
      throw new UsageException("--input does not exist: " + input);
    }
    if (!Files.isDirectory(in)) {
      throw new UsageException("--input is not a folder: " + input
          + (Files.isRegularFile(in) ? " (a regular file)" : " (a special file)"));
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(in)) {
      entries.iterator().hasNext();
    } catch (IOException | RuntimeException e) {
      throw new UsageException("--input cannot be read: " + input + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The path with every link resolved, as far as it exists (the output may not exist yet): so a link or a
   * "/./" cannot hide that the output is inside the input.
   */
  private static Path real(Path p) {
    Path absolute = p.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }

  private static boolean isUrl(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*");
  }

  private static String slash(String url) {
    return url.endsWith("/") ? url : url + "/";
  }
}
