package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A study ZIP. The central directory is read once, at open; local headers are read only for the entry being
 * opened (not all of them at open, which would touch the whole archive), so reading a frame is one seek.
 */
final class ZipEntryStore implements EntryStore {
  private final ZipFile zip;
  private final List<String> names = new ArrayList<>();
  private final Map<String, List<String>> framesByFolder = new HashMap<>();

  ZipEntryStore(Path file) throws IOException {
    zip = ZipFile.builder().setPath(file).setIgnoreLocalFileHeader(true).get();
    for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
      String name = e.getName();
      names.add(name);
      int slash = name.lastIndexOf('/');
      if (slash > 0 && name.startsWith("frames/", name.lastIndexOf('/', slash - 1) + 1)) {
        framesByFolder.computeIfAbsent(name.substring(0, slash + 1), k -> new ArrayList<>()).add(name);
      }
    }
  }

  @Override
  public long size(String name) {
    ZipArchiveEntry e = zip.getEntry(name);
    return e == null ? -1 : e.getSize();
  }

  @Override
  public InputStream open(String name) throws IOException {
    ZipArchiveEntry e = zip.getEntry(name);
    if (e == null) {
      throw new NoSuchFileException(name, null, "no such entry in the study archive");
    }
    return zip.getInputStream(e);
  }

  @Override
  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  @Override
  public List<String> frameNames(String framesFolder) {
    return framesByFolder.getOrDefault(framesFolder, List.of());
  }

  /** The study folders ("studies/{uid}/") that hold a metadata entry. */
  List<String> studyUids() {
    List<String> uids = new ArrayList<>();
    for (String name : names) {
      String[] parts = name.split("/", -1);
      if (parts.length == 3 && parts[0].equals("studies") && parts[2].equals("metadata")) {
        uids.add(parts[1]);
      }
    }
    return uids;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
