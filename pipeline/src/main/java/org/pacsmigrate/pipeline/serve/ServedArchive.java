package org.pacsmigrate.pipeline.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pacsmigrate.format.archive.Uids;

/**
 * The studies of a migration's output: {@code OUTPUT/archive/{uid}.zip} and the tree layout's
 * {@code OUTPUT/archive/studies/{uid}/metadata} (both may be there), found once, at start. A study is looked up
 * by a UID that has been validated, so a request never names a file; open ZIPs are kept in a small LRU.
 */
final class ServedArchive implements AutoCloseable {
  private static final int OPEN_STUDIES = 64;

  private final Path folder;
  private final Map<String, Path> zips = new TreeMap<>();
  private final Map<String, Path> trees = new TreeMap<>();
  private final Map<String, StudyFiles> open = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, StudyFiles> eldest) {
      // Dropped, not closed: a request may still be writing from its mapping, which stays valid after close.
      return size() > OPEN_STUDIES;
    }
  };

  private ServedArchive(Path folder) {
    this.folder = folder;
  }

  /** {@code output} is a migration's output (holding {@code archive/}) or the archive folder itself. */
  static ServedArchive open(Path output) throws IOException {
    Path folder = Files.isDirectory(output.resolve("archive")) ? output.resolve("archive") : output;
    if (!Files.isDirectory(folder)) {
      throw new IOException(output + " is not a folder");
    }
    ServedArchive archive = new ServedArchive(folder.toAbsolutePath().normalize());
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".zip") && Files.isRegularFile(f)) {
          String uid = name.substring(0, name.length() - 4);
          if (Uids.isValid(uid)) {
            archive.zips.put(uid, f);
          }
        }
      }
    }
    Path studies = folder.resolve("studies");
    if (Files.isDirectory(studies)) {
      try (Stream<Path> dirs = Files.list(studies)) {
        for (Path d : dirs.toList()) {
          String uid = d.getFileName().toString();
          if (Uids.isValid(uid) && Files.isRegularFile(d.resolve("metadata"))) {
            archive.trees.put(uid, folder);
          }
        }
      }
    }
    return archive;
  }

  Path folder() {
    return folder;
  }

  /** Every study, by UID (a study both zipped and in the tree is served from its ZIP). */
  List<String> studyUids() {
    TreeMap<String, Boolean> all = new TreeMap<>();
    zips.keySet().forEach(u -> all.put(u, true));
    trees.keySet().forEach(u -> all.put(u, true));
    return List.copyOf(all.keySet());
  }

  int zipCount() {
    return zips.size();
  }

  int treeCount() {
    return trees.size();
  }

  /** The study's files, or null when the archive has no such study; {@code uid} must be a valid UID. */
  StudyFiles study(String uid) throws IOException {
    if (!Uids.isValid(uid)) {
      return null;
    }
    synchronized (open) {
      StudyFiles files = open.get(uid);
      if (files != null) {
        return files;
      }
    }
    StudyFiles files;
    Path zip = zips.get(uid);
    if (zip != null) {
      files = StudyFiles.zip(zip);
    } else if (trees.containsKey(uid)) {
      files = StudyFiles.tree(trees.get(uid), uid);
    } else {
      return null;
    }
    synchronized (open) {
      StudyFiles raced = open.putIfAbsent(uid, files);
      if (raced != null) {
        files.close();
        return raced;
      }
    }
    return files;
  }

  @Override
  public void close() {
    synchronized (open) {
      for (StudyFiles f : open.values()) {
        try {
          f.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      open.clear();
    }
  }
}
