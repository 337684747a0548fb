package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The tree layout read back: a run's study entries by name, to compare with the ZIP layout's. */
final class TreeLayout {
  private TreeLayout() {}

  /** Every entry of every study ZIP of a ZIP-layout run, by entry name. */
  static Map<String, byte[]> zipEntries(MigrationOutput zipRun) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    for (Path zip : zipRun.zips()) {
      try (ZipFile z = new ZipFile(zip.toFile())) {
        for (ZipEntry e : Collections.list(z.entries())) {
          entries.put(e.getName(), z.getInputStream(e).readAllBytes());
        }
      }
    }
    return entries;
  }

  /** Every file below {@code archive/} of a tree-layout run, by its name relative to {@code archive/}. */
  static Map<String, byte[]> files(MigrationOutput treeRun) throws IOException {
    Path root = treeRun.dir().resolve("archive");
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/"),
            Files.readAllBytes(f));
      }
    }
    return files;
  }

  /** The same names and bytes: the tree is the ZIPs unzipped, and nothing else. */
  static void assertSame(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet(), "the tree's files are the ZIPs' entries");
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  /** The summary's studies and bytesOut count the tree's studies and files. */
  static void countsAddUp(MigrationOutput treeRun, Map<String, byte[]> files) throws IOException {
    MigrationChecks.countsAddUpWithoutZips(treeRun);
    assertEquals(files.keySet().stream().filter(n -> n.matches("studies/[^/]+/metadata")).count(),
        treeRun.count("studies"));
    assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), treeRun.count("bytesOut"));
  }
}
