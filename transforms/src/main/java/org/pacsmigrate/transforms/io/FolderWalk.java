package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Lists a local folder so that every directory entry below it is accounted for: each regular file is a
 * {@link ListedFile} to parse; every other entry is a manifest row at once, never a silent omission. Names are
 * taken as the raw bytes the folder holds ({@link SourcePaths}), so no name is lost to the locale, to a line
 * break or to bytes that are not UTF-8. Entries are taken in the order of their names' bytes, so two runs over
 * the same tree list it the same way.
 *
 * <ul>
 *   <li>A FIFO, socket or device is {@code rejected} with what it is, and is never opened (a FIFO would block).
 *   <li>An entry whose attributes cannot be read, or a folder that cannot be listed, is {@code rejected} with the
 *       reason (the folder's own path is the row: what it holds cannot be seen).
 *   <li>Symbolic links, by default, are {@code rejected}: "symbolic link to {target}: not followed
 *       (--followLinks follows it)".
 *   <li>With {@code followLinks}, the real tree is listed first, then each link (in the order found) is
 *       followed: to a file, it is read under the link's path; to a folder, the folder is listed under the
 *       link's path. Every file and folder is read once, by its identity (device and inode): a second path to a
 *       file already listed is {@code duplicate} "the same file as {path}"; a link to a folder already listed is
 *       {@code duplicate} "the folder already read as {path}" or, when that folder holds the link, {@code
 *       rejected} as a loop. A dangling link is {@code rejected}.
 * </ul>
 */
public final class FolderWalk {
  /** Where the walk's results go. */
  public interface Sink {
    void file(ListedFile file);

    void row(ManifestRow row);
  }

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final boolean followLinks;
  private final Sink sink;
  /** Followed mode only: each file or folder's identity and the location it was first listed under. */
  private final Map<Object, String> seen = new HashMap<>();
  private final Deque<Path> links = new ArrayDeque<>();

  private FolderWalk(boolean followLinks, Sink sink) {
    this.followLinks = followLinks;
    this.sink = sink;
  }

  /** Lists everything below {@code root}, which must be a folder that can be read (else the job stops). */
  public static void walk(Path root, boolean followLinks, Sink sink) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(root, BasicFileAttributes.class);
    if (!attributes.isDirectory()) {
      throw new IOException("the input is not a folder: " + root);
    }
    // Listing it now turns an unreadable input into the job's failure, not into one rejected row.
    try (DirectoryStream<Path> ignored = Files.newDirectoryStream(root)) {
      // readable
    }
    FolderWalk walk = new FolderWalk(followLinks, sink);
    walk.remember(attributes.fileKey(), SourcePaths.of(root));
    walk.walkFolder(root);
    while (!walk.links.isEmpty()) {
      walk.followLink(walk.links.poll());
    }
  }

  private void walkFolder(Path top) {
    Deque<Path> folders = new ArrayDeque<>();
    folders.push(top);
    while (!folders.isEmpty()) {
      Path folder = folders.pop();
      List<Named> children;
      try {
        children = children(folder);
      } catch (IOException e) {
        sink.row(new ManifestRow(SourcePaths.of(folder), 0, Outcome.REJECTED, "",
            "folder cannot be read: " + describe(e)));
        continue;
      }
      List<Path> below = new ArrayList<>();
      for (Named child : children) {
        if (entry(child)) {
          below.add(child.path);
        }
      }
      for (int i = below.size() - 1; i >= 0; i--) {
        folders.push(below.get(i));
      }
    }
  }

  /** Accounts for one entry; true when it is a folder to list. */
  private boolean entry(Named child) {
    String location = SourcePaths.escape(child.bytes);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(child.path, BasicFileAttributes.class, NOFOLLOW);
    } catch (IOException e) {
      sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "", "cannot be read: " + describe(e)));
      return false;
    }
    if (a.isDirectory()) {
      String earlier = remember(a.fileKey(), location);
      if (earlier != null) {
        sink.row(new ManifestRow(location, 0, Outcome.DUPLICATE, "",
            "the folder already read as " + earlier + "; its files are accounted there"));
        return false;
      }
      return true;
    }
    if (a.isRegularFile()) {
      String earlier = remember(a.fileKey(), location);
      if (earlier != null) {
        sink.row(new ManifestRow(location, a.size(), Outcome.DUPLICATE, "", "the same file as " + earlier));
      } else {
        sink.file(new ListedFile(location, a.size(), a.lastModifiedTime().toMillis()));
      }
      return false;
    }
    if (a.isSymbolicLink()) {
      if (followLinks) {
        links.add(child.path);
      } else {
        sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "",
            "symbolic link to " + target(child.path) + ": not followed (--followLinks follows it)"));
      }
      return false;
    }
    sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "",
        "not a regular file: " + kind(child.path) + "; not read"));
    return false;
  }

  private void followLink(Path link) {
    String location = SourcePaths.of(link);
    String says = "symbolic link to " + target(link);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(link, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "", says + ", which does not exist (a dangling link)"));
      return;
    } catch (IOException e) {
      sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "", says + ", which cannot be resolved: "
          + describe(e)));
      return;
    }
    if (a.isDirectory()) {
      String earlier = remember(a.fileKey(), location);
      if (earlier == null) {
        walkFolder(link);
      } else if (location.startsWith(earlier + "/")) {
        sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "", says + ": a loop (it leads back to the folder "
            + earlier + ", which holds it); not followed"));
      } else {
        sink.row(new ManifestRow(location, 0, Outcome.DUPLICATE, "", says + ": the folder already read as "
            + earlier + "; its files are accounted there"));
      }
    } else if (a.isRegularFile()) {
      String earlier = remember(a.fileKey(), location);
      if (earlier != null) {
        sink.row(new ManifestRow(location, a.size(), Outcome.DUPLICATE, "", says + ": the same file as " + earlier));
      } else {
        sink.file(new ListedFile(location, a.size(), a.lastModifiedTime().toMillis()));
      }
    } else {
      sink.row(new ManifestRow(location, 0, Outcome.REJECTED, "", says + ", which is not a regular file: "
          + kind(link) + "; not read"));
    }
  }

  /** Followed mode: records where an identity was first seen, and returns that place when it was seen before. */
  private String remember(Object key, String location) {
    if (!followLinks || key == null) {
      return null;
    }
    return seen.putIfAbsent(key, location);
  }

  private record Named(Path path, byte[] bytes) {}

  private static List<Named> children(Path folder) throws IOException {
    List<Named> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        children.add(new Named(p, SourcePaths.bytes(p)));
      }
    } catch (java.nio.file.DirectoryIteratorException e) {
      throw e.getCause();
    }
    children.sort((x, y) -> Arrays.compareUnsigned(x.bytes, y.bytes));
    return children;
  }

  private static String target(Path link) {
    try {
      return SourcePaths.escape(SourcePaths.bytes(Files.readSymbolicLink(link)));
    } catch (IOException e) {
      return "(a target that cannot be read: " + describe(e) + ")";
    }
  }

  /** What a special file is, from its Unix mode. */
  static String kind(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
      return switch (mode & 0170000) {
        case 0010000 -> "a FIFO (named pipe)";
        case 0140000 -> "a socket";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        default -> "a special file (mode " + Integer.toOctalString(mode) + ")";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
  }

  /**
   * An I/O error in words, without the file's name: the row names the file (escaped), whereas the exception's
   * message decodes it lossily and may carry a line break.
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f) {
      return f.getClass().getSimpleName() + (f.getReason() == null ? "" : ": " + f.getReason());
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + SourcePaths.escape(e.getMessage()));
  }
}
