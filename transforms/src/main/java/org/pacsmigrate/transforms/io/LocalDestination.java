package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.pacsmigrate.format.io.PartialFiles;

/** {@code {output}/archive/} as a local folder: each file written next to its place, then moved over it. */
final class LocalDestination implements ArchiveDestination {
  private final Path root;

  LocalDestination(Path root) {
    this.root = root;
  }

  @Override
  public void put(String name, Path file, Headers headers) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      put(name, in, Files.size(file), headers);
    }
  }

  @Override
  public void put(String name, InputStream in, long length, Headers headers) throws IOException {
    Path target = resolve(name);
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      try (OutputStream out = Channels.newOutputStream(PartialFiles.create(partial))) {
        long copied = in.transferTo(out);
        if (copied != length) {
          throw new IOException(name + ": " + copied + " bytes where " + length + " were expected");
        }
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    } finally {
      PartialFiles.done(partial);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path folder = resolve(prefix);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/")).toList();
    }
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(resolve(name));
  }

  private Path resolve(String name) throws IOException {
    Path p = root.resolve(name).normalize();
    if (!p.startsWith(root)) {
      throw new NoSuchFileException(name, null, "leaves the archive folder");
    }
    return p;
  }
}
