package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where {@link ArchiveStore} puts files: below {@code {output}/archive/}, in a local folder or a bucket. Each
 * {@code put} is atomic for its one file or object: it is either there whole, with its headers, or left as it
 * was.
 */
interface ArchiveDestination {
  /** The HTTP headers an object is served with; a local folder cannot carry them (see the runbooks). */
  record Headers(String contentType, String contentEncoding) {}

  void put(String name, Path file, Headers headers) throws IOException;

  void put(String name, InputStream in, long length, Headers headers) throws IOException;

  /** The names below {@code prefix} (a folder name ending in "/"), at any depth; empty when there is none. */
  List<String> list(String prefix) throws IOException;

  void delete(String name) throws IOException;
}
