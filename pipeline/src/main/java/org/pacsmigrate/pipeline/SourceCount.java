package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.io.SourcePaths;

/**
 * verify's own count of the entries under the input, compared with the manifest: every entry in it exactly once,
 * and nothing else. It shares no code with the job's listing ({@code ListFiles}, {@code FolderWalk}): its own
 * walk, on the names' raw bytes (from {@link Path#toUri()}), compared with the manifest's paths unescaped to
 * bytes, so a name the job mangled or dropped shows up as missing.
 *
 * <p>What counts as one entry, as the job documents it: every entry that is not a folder (files, links, FIFOs,
 * sockets, devices); a folder the manifest has a row for because it cannot be listed, or (with --followLinks)
 * because it is a second path to a folder already listed, is one entry and is not descended. A link to a folder
 * that has no row of its own was followed by the job (--followLinks): its contents are counted under the link's
 * path, unless it leads back into a folder being walked (a loop with no row: counted as the link, missing).
 */
final class SourceCount {
  private final Map<String, Integer> rows = new HashMap<>();
  private final Map<String, ManifestRow> rowOf = new HashMap<>();
  private final Set<String> entries = new LinkedHashSet<>();

  private SourceCount(List<ManifestRow> manifest) {
    for (ManifestRow row : manifest) {
      String key = key(SourcePaths.unescape(row.path()));
      rows.merge(key, 1, Integer::sum);
      rowOf.putIfAbsent(key, row);
    }
  }

  /** Prints one line (and up to 20 paths when it fails); returns the number of failures (0 or 1). */
  static int check(List<ManifestRow> manifest, String input, PrintStream out) throws IOException {
    SourceCount count = new SourceCount(manifest);
    if (SourcePaths.isLocal(input)) {
      Path root = Path.of(input);
      Deque<Object> walking = new ArrayDeque<>();
      walking.push(Files.readAttributes(root, BasicFileAttributes.class).fileKey());
      count.walk(root, walking, true);
    } else {
      for (MatchResult.Metadata m : FileSystems.match(input.endsWith("/") ? input + "**" : input + "/**",
          EmptyMatchTreatment.ALLOW).metadata()) {
        if (!m.resourceId().isDirectory()) {
          count.entries.add(key(m.resourceId().toString().getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    return count.report(manifest.size(), out);
  }

  private void walk(Path folder, Deque<Object> walking, boolean isRoot) throws IOException {
    List<Path> children;
    try (Stream<Path> s = Files.list(folder)) {
      children = s.toList();
    } catch (IOException | UncheckedIOException e) {
      if (isRoot) {
        throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      }
      entries.add(key(raw(folder)));
      return;
    }
    for (Path child : children) {
      String key = key(raw(child));
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        entries.add(key);
        continue;
      }
      boolean folderOrLink = a.isDirectory() || (a.isSymbolicLink() && Files.isDirectory(child));
      if (!folderOrLink || (rows.containsKey(key) && accountedAsOne(child, a, rowOf.get(key)))) {
        entries.add(key);
        continue;
      }
      Object id;
      try {
        id = Files.readAttributes(child, BasicFileAttributes.class).fileKey();
      } catch (IOException e) {
        entries.add(key);
        continue;
      }
      if (id != null && walking.contains(id)) {
        entries.add(key);
        continue;
      }
      walking.push(id);
      walk(child, walking, false);
      walking.pop();
    }
  }

  /**
   * A folder or link with a row is one entry when the row can be right: a link (not followed, a loop, a second
   * path), a second path to a folder, or a folder that cannot be listed. A readable folder with any other row is
   * walked, so the files in it are still counted.
   */
  private static boolean accountedAsOne(Path child, BasicFileAttributes a, ManifestRow row) {
    if (a.isSymbolicLink() || row.outcome() == Outcome.DUPLICATE) {
      return true;
    }
    try (Stream<Path> s = Files.list(child)) {
      s.findFirst();
      return false;
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }

  private int report(int rowCount, PrintStream out) {
    List<String> missing = new ArrayList<>();
    for (String e : entries) {
      if (!rows.containsKey(e)) {
        missing.add("  missing: " + display(e));
      }
    }
    List<String> twice = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    rows.forEach((path, n) -> {
      if (n > 1) {
        twice.add("  listed " + n + " times: " + display(path));
      }
      if (!entries.contains(path)) {
        unknown.add("  not under the input: " + display(path));
      }
    });
    String line = "manifest: " + rowCount + " rows for " + entries.size() + " files under the input";
    if (missing.isEmpty() && twice.isEmpty() && unknown.isEmpty() && rowCount == entries.size()) {
      out.println(line + ", every file once");
      return 0;
    }
    out.println("MANIFEST FAILED " + line + " (counted by verify on its own): " + missing.size() + " missing, "
        + twice.size() + " listed more than once, " + unknown.size() + " not under the input");
    Stream.of(missing, twice, unknown).flatMap(List::stream).sorted().limit(20).forEach(out::println);
    return 1;
  }

  /** A path's raw bytes, without the lossy decoding of {@link Path#toString()}. */
  private static byte[] raw(Path p) {
    String uri = p.toAbsolutePath().toUri().getRawPath();
    if (uri.length() > 1 && uri.endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        bytes.write(Integer.parseInt(uri.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toByteArray();
  }

  /** Bytes as a string, one char per byte, to key maps. */
  private static String key(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static String display(String key) {
    return SourcePaths.escape(key.getBytes(StandardCharsets.ISO_8859_1));
  }
}
