package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A study in an unzipped tree (the form a web server serves). Names are resolved under the root only after
 * {@link StudyArchive} has checked them against the layout, and checked again here to stay below the root.
 */
final class DirectoryEntryStore implements EntryStore {
  private final Path root;
  private final String studyFolder;

  DirectoryEntryStore(Path root, String studyUid) {
    this.root = root.toAbsolutePath().normalize();
    this.studyFolder = ArchiveLayout.studyFolder(studyUid);
  }

  @Override
  public long size(String name) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file(name), BasicFileAttributes.class);
      return a.isRegularFile() ? a.size() : -1;
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(file(name));
  }

  @Override
  public List<String> names() throws IOException {
    Path study = file(studyFolder);
    try (Stream<Path> files = Files.walk(study)) {
      return files.filter(Files::isRegularFile).map(this::name).sorted(this::archiveOrder).toList();
    }
  }

  /** As the ZIP has them: metadata, then the layout's order; files the layout does not name last, by name. */
  private int archiveOrder(String a, String b) {
    ArchiveUri ua = uri(a);
    ArchiveUri ub = uri(b);
    if (ua != null && ub != null) {
      return ArchiveUri.ARCHIVE_ORDER.compare(ua, ub);
    }
    int rank = Integer.compare(rank(a, ua), rank(b, ub));
    return rank != 0 ? rank : a.compareTo(b);
  }

  private int rank(String name, ArchiveUri uri) {
    return name.equals(studyFolder + "metadata") ? 0 : uri != null ? 1 : 2;
  }

  private ArchiveUri uri(String name) {
    try {
      return name.startsWith(studyFolder) ? ArchiveUri.parse(name.substring(studyFolder.length())) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public List<String> frameNames(String framesFolder) throws IOException {
    Path folder = file(framesFolder);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      files.filter(Files::isRegularFile).forEach(f -> names.add(framesFolder + f.getFileName()));
    }
    return names;
  }

  /** Study folders below {@code root}/studies that hold a metadata file. */
  static List<String> studyUids(Path root) throws IOException {
    Path studies = root.resolve("studies");
    if (!Files.isDirectory(studies)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(studies)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("metadata")))
          .map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  private Path file(String name) throws IOException {
    Path file = root.resolve(name).normalize();
    if (!file.startsWith(root) || name.startsWith("/") || name.contains("\\")) {
      throw new NoSuchFileException(name, null, "entry name leaves the archive folder");
    }
    return file;
  }

  private String name(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  @Override
  public void close() {}
}
