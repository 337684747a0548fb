package org.pacsmigrate.format.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.json.BulkDataResolver;
import org.pacsmigrate.format.json.DicomJsonReader;

/**
 * Reads one study of the archive format: a study ZIP, or a tree that study ZIPs were unzipped into. Each call
 * reads only the entry it is about (random access; a ZIP's central directory is read once, at open), so a
 * frame can be served or exported without touching the rest of the study.
 *
 * <p>Entry names given to {@link #part} are checked against the layout before anything is opened.
 */
public final class StudyArchive implements Closeable {
  private final String studyUid;
  private final EntryStore store;
  private PlaceholderResolver placeholders;

  private StudyArchive(String studyUid, EntryStore store) {
    this.studyUid = studyUid;
    this.store = store;
  }

  /** A study ZIP, or a tree root holding exactly one study ({@code studies/{uid}/metadata}). */
  public static StudyArchive open(Path zipOrDirectory) throws IOException {
    return open(zipOrDirectory, null);
  }

  /** The study {@code studyUid} of a ZIP or a tree root (null: the only study there). */
  public static StudyArchive open(Path zipOrDirectory, String studyUid) throws IOException {
    if (studyUid != null) {
      Uids.requireValid(studyUid, "Study Instance UID");
    }
    if (Files.isDirectory(zipOrDirectory)) {
      String uid = pick(DirectoryEntryStore.studyUids(zipOrDirectory), studyUid, zipOrDirectory);
      return new StudyArchive(uid, new DirectoryEntryStore(zipOrDirectory, uid));
    }
    ZipEntryStore zip = new ZipEntryStore(zipOrDirectory);
    try {
      return new StudyArchive(pick(zip.studyUids(), studyUid, zipOrDirectory), zip);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static String pick(List<String> found, String wanted, Path where) throws IOException {
    if (wanted != null) {
      if (!found.contains(wanted)) {
        throw new NoSuchFileException(where.toString(), null, "no study " + wanted + " here");
      }
      return wanted;
    }
    if (found.size() != 1) {
      throw new IOException(where + ": " + (found.isEmpty() ? "no study metadata found"
          : found.size() + " studies found; name the one to open"));
    }
    return Uids.requireValid(found.get(0), "Study Instance UID of " + where);
  }

  public String studyUid() {
    return studyUid;
  }

  /** The metadata entry's JSON, gunzipped. */
  public byte[] metadataJson() throws IOException {
    try (InputStream in = metadataStream()) {
      return in.readAllBytes();
    }
  }

  /** The instances' data sets, in archive order; BulkDataURIs are turned into elements by {@code resolver}. */
  public List<DataSet> instances(BulkDataResolver resolver) throws IOException {
    try (InputStream in = metadataStream()) {
      return new DicomJsonReader(resolver).readArray(in);
    }
  }

  /**
   * The archive's resolver that reads no bulk data and maps each element it made back to its URI (see
   * {@link PlaceholderResolver}); always the same one, so {@link #uriOf} answers for data sets read with it.
   */
  public synchronized PlaceholderResolver placeholderResolver() {
    if (placeholders == null) {
      placeholders = new PlaceholderResolver(this);
    }
    return placeholders;
  }

  /** The BulkDataURI the element at {@code path} of {@code instance} (read with {@link #placeholderResolver()}) came from. */
  public String uriOf(DataSet instance, ElementPath path) {
    return placeholderResolver().uriOf(instance, path);
  }

  /** The BulkDataURI an element made by {@link #placeholderResolver()} came from; null for any other element. */
  public String uriOf(DicomElement element) {
    return placeholderResolver().uriOf(element);
  }

  /** Frame {@code n} (from 1) of an instance. */
  public Multipart.Part frame(String seriesUid, String sopUid, int n) throws IOException {
    return read(ArchiveLayout.framePath(studyUid, seriesUid, sopUid, n));
  }

  /** The part a BulkDataURI of this study's metadata (or a frame URI) names. */
  public Multipart.Part bulkData(String relativeUri) throws IOException {
    return read(ArchiveLayout.entryFor(studyUid, relativeUri));
  }

  /** The part in the entry {@code entryName} (a frame or bulk data entry of this study). */
  public Multipart.Part part(String entryName) throws IOException {
    return read(checkedEntry(entryName));
  }

  /** How many frame entries an instance has (0 when none); they are numbered 1..n. */
  public int frameCount(String seriesUid, String sopUid) throws IOException {
    String folder = ArchiveLayout.studyFolder(studyUid) + ArchiveLayout.framesUri(seriesUid, sopUid) + "/";
    List<String> names = store.frameNames(folder);
    for (String name : names) {
      ArchiveUri uri = ArchiveUri.parse(name.substring(ArchiveLayout.studyFolder(studyUid).length()));
      if (uri.frame() > names.size()) {
        throw new IOException(folder + ": frame entries are not numbered 1 to " + names.size());
      }
    }
    return names.size();
  }

  /** Every entry of the study, in archive order. */
  public List<String> entryNames() throws IOException {
    return store.names();
  }

  /** The entry's length (framing included), read from the ZIP's central directory or the file system; -1 if absent. */
  public long entrySize(String entryName) throws IOException {
    return store.size(entryName);
  }

  private InputStream metadataStream() throws IOException {
    InputStream raw = store.open(ArchiveLayout.metadataPath(studyUid));
    try {
      return new GZIPInputStream(raw, 64 * 1024);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private Multipart.Part read(String entryName) throws IOException {
    long size = store.size(entryName);
    if (size < 0) {
      throw new NoSuchFileException(entryName, null, "no such entry in study " + studyUid);
    }
    InputStream in = store.open(entryName);
    try {
      return Multipart.read(in, size);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw new IOException(entryName + ": " + e.getMessage(), e);
    }
  }

  private String checkedEntry(String entryName) {
    String folder = ArchiveLayout.studyFolder(studyUid);
    if (entryName == null || !entryName.startsWith(folder)) {
      throw new IllegalArgumentException("not an entry of study " + studyUid + ": " + Uids.show(entryName));
    }
    return ArchiveLayout.entryFor(studyUid, entryName.substring(folder.length()));
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
