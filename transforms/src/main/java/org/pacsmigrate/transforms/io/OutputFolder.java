package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.io.PartialFiles;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.reports.ManifestParts;

/**
 * The job's output location before and after a run. Before: refuses an output that is not a folder, checks that
 * it (and its {@code archive/} and {@code reports/}, where they exist) can be written, and removes what an earlier run left: {@code *.partial}
 * files (a study ZIP, a tree entry or a report that a killed or failed run did not finish), Beam's
 * {@code reports/.temp-beam-*} folders (left by earlier versions' report sinks), and the earlier run's
 * {@code manifest.csv} and {@code summary.json}, so that a run that fails leaves no report that a later
 * {@code verify} could take for this run's. After (success or failure): deletes the partial files the run's
 * workers in this JVM were still writing, and sweeps again.
 *
 * <p>Two runs must not write into the same output at once (the runbook says so): the sweep would take the
 * other's partial files for leftovers.
 */
public final class OutputFolder {
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  static final String PARTIAL = ".partial";
  static final String BEAM_TEMP = ".temp-beam";
  /** Where the manifest's parts are written before {@link ManifestParts} joins them. */
  static final String MANIFEST_PARTS = ".manifest-parts";

  private OutputFolder() {}

  /**
   * Before the run.
   *
   * @return how many leftovers were removed
   * @throws IllegalArgumentException when the output exists and is not a folder (a wrong argument)
   * @throws OutputWriteException when it cannot be created, written or cleaned
   */
  public static int prepare(String output) throws IOException {
    if (inBucket(output)) {
      int removed = sweepBucket(output);
      for (String report : List.of(Reports.manifestPath(output), Reports.summaryPath(output),
        Reports.missingFromSourcePath(output))) {
        deleteObject(report);
      }
      return removed;
    }
    Path root = local(output);
    PartialFiles.reset(root);
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new IllegalArgumentException("--output is not a folder: " + root);
    }
    // A read-only mount or folder is found now, before any work, rather than at the first study. The folders
    // are not created here: a dry run, or a run stopped by its resolutions file, writes no archive folder.
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw OutputWriteException.of(root.toString(), e);
    }
    for (Path folder : List.of(root, root.resolve("archive"), root.resolve("reports"))) {
      if (Files.isDirectory(folder)) {
        try {
          Files.delete(Files.createTempFile(folder, ".write-check-", ".tmp"));
        } catch (IOException e) {
          throw OutputWriteException.of(folder.toString(), e);
        }
      }
    }
    int removed = sweepLocal(root);
    for (String report : List.of(Reports.manifestPath(output), Reports.summaryPath(output),
        Reports.missingFromSourcePath(output))) {
      try {
        Files.deleteIfExists(Path.of(report));
      } catch (IOException e) {
        throw OutputWriteException.of(report, e);
      }
    }
    return removed;
  }

  /**
   * After the run, whatever its end: removes any partial file left in the output (by a runner's workers
   * elsewhere, killed mid-write). Best effort: what it cannot remove, the next run's {@link #prepare} does.
   *
   * @param failed the run failed: the workers of this JVM may still be writing (the Direct runner does not wait
   *     for them), so first stop them from starting partial files in the output and delete those they have open
   * @return how many were removed
   */
  public static int tidy(String output, boolean failed) {
    int removed = failed && !inBucket(output) ? PartialFiles.abandon(local(output)) : 0;
    try {
      removed += inBucket(output) ? sweepBucket(output) : sweepLocal(local(output));
    } catch (IOException e) {
      // Left for the next run's prepare().
    }
    return removed;
  }

  private static boolean inBucket(String output) {
    return URL.matcher(output).find() && !output.startsWith("file://");
  }

  private static Path local(String output) {
    return Path.of(output.startsWith("file://") ? output.substring("file://".length()) : output);
  }

  /** {@code *.partial} below archive/ and reports/, and reports/.temp-beam-* and .manifest-parts folders. */
  private static int sweepLocal(Path root) throws IOException {
    int removed = 0;
    for (String sub : List.of("archive", "reports")) {
      Path folder = root.resolve(sub);
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      List<Path> leftovers = new ArrayList<>();
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(folder) && (dir.getFileName().toString().startsWith(BEAM_TEMP)
              || dir.getFileName().toString().equals(MANIFEST_PARTS))) {
            leftovers.add(dir);
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (file.getFileName().toString().endsWith(PARTIAL)) {
            leftovers.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: not ours to judge here
        }
      });
      for (Path p : leftovers) {
        try {
          deleteTree(p);
          removed++;
        } catch (NoSuchFileException e) {
          // Moved into place or deleted by its writer meanwhile.
        } catch (IOException e) {
          throw OutputWriteException.of(p.toString(), e);
        }
      }
    }
    return removed;
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } else {
      Files.delete(p);
    }
  }

  /**
   * In a bucket, only reports/ is swept: the archive's objects are single uploads, never partial, and listing a
   * tree of millions of objects for nothing would cost a run its start.
   */
  private static int sweepBucket(String output) throws IOException {
    String reports = Reports.manifestPath(output).replaceFirst("manifest\\.csv$", "");
    List<ResourceId> leftovers = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(reports + "**");
      if (match.status() == MatchResult.Status.OK) {
        for (MatchResult.Metadata m : match.metadata()) {
          String name = m.resourceId().toString().substring(reports.length());
          if (name.startsWith(BEAM_TEMP) || name.startsWith(MANIFEST_PARTS + "/") || name.endsWith(PARTIAL)) {
            leftovers.add(m.resourceId());
          }
        }
      }
      if (!leftovers.isEmpty()) {
        FileSystems.delete(leftovers);
      }
    } catch (IOException e) {
      throw OutputWriteException.of(reports, e);
    }
    return leftovers.size();
  }

  private static void deleteObject(String path) throws IOException {
    try {
      FileSystems.delete(List.of(FileSystems.matchNewResource(path, false)),
          org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw OutputWriteException.of(path, e);
    }
  }
}
