package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.json.BulkDataResolver;
import org.pacsmigrate.format.json.DicomJsonException;

/**
 * Resolves a study's BulkDataURIs without reading bulk data: each becomes {@code ofBulk(tag, vr, BulkData(0,
 * length))}, with the data length taken from the entry's size, and the element is remembered so that
 * {@link #uriOf} gives its URI back (by identity: one map lookup, no parsing). The URI is checked against the
 * layout and its entry must exist, so every resolved element has something to be read from.
 *
 * <p>Lengths: a bulk data entry's framing is the writer's fixed one (application/octet-stream and a 19-character
 * byte order label, the same length for both), so its data length is its size less that framing; the part read
 * by {@link StudyArchive#bulkData} checks it. Pixel Data's length is the sum of its frames' data lengths (for
 * Bits Allocated 1 frames that share a byte, a little more than the original value): all frames of an instance
 * share one Content-Type, so one head, frame 1's, is read per instance.
 *
 * <p>It remembers every element it made while its archive is open (a map entry per bulk value, small next to
 * the data sets themselves). Safe for use from several threads.
 */
public final class PlaceholderResolver implements BulkDataResolver {
  private static final long BULK_DATA_OVERHEAD =
      Multipart.overhead(Multipart.contentType(ArchiveLayout.OCTET_STREAM, ArchiveLayout.NATIVE_LITTLE_ENDIAN));

  private final StudyArchive archive;
  private final Map<DicomElement, String> uris = new IdentityHashMap<>();

  PlaceholderResolver(StudyArchive archive) {
    this.archive = archive;
  }

  @Override
  public DicomElement resolve(ElementPath path, int tag, VR vr, String uri) throws IOException {
    ArchiveUri parsed;
    try {
      parsed = ArchiveUri.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new DicomJsonException(path.toString(), e.getMessage());
    }
    long length = switch (parsed.kind()) {
      case FRAMES -> framesLength(path, parsed);
      case FRAME, BULK_DATA -> entryDataLength(path, ArchiveLayout.entryFor(archive.studyUid(), uri), parsed);
    };
    DicomElement element = DicomElement.ofBulk(tag, vr, new BulkData(0, length));
    synchronized (uris) {
      uris.put(element, parsed.relative());
    }
    return element;
  }

  /** The URI an element of a data set this resolver made was resolved from; null for any other element. */
  public String uriOf(DicomElement element) {
    synchronized (uris) {
      return uris.get(element);
    }
  }

  /** The URI of the element at {@code path} in {@code instance}; null when there is none or it had no URI. */
  public String uriOf(DataSet instance, ElementPath path) {
    DataSet ds = instance;
    var tags = path.sequenceTags();
    var items = path.itemIndexes();
    for (int i = 0; i < tags.size(); i++) {
      DicomElement sq = ds.get(tags.get(i));
      if (sq == null || !sq.isSequence() || items.get(i) >= sq.items().size()) {
        return null;
      }
      ds = sq.items().get(items.get(i));
    }
    DicomElement e = ds.get(path.tag());
    return e == null ? null : uriOf(e);
  }

  /** The entry name of the element's URI (frame and bulk data URIs; null for Pixel Data's frames folder). */
  public String entryOf(DicomElement element) {
    String uri = uriOf(element);
    if (uri == null || ArchiveUri.parse(uri).kind() == ArchiveUri.Kind.FRAMES) {
      return null;
    }
    return ArchiveLayout.entryFor(archive.studyUid(), uri);
  }

  private long framesLength(ElementPath path, ArchiveUri frames) throws IOException {
    int count = archive.frameCount(frames.seriesUid(), frames.sopUid());
    if (count == 0) {
      throw new DicomJsonException(path.toString(), "BulkDataURI names an instance without frame entries");
    }
    long overhead;
    String first = ArchiveLayout.framePath(archive.studyUid(), frames.seriesUid(), frames.sopUid(), 1);
    try (Multipart.Part part = archive.part(first)) {
      overhead = archive.entrySize(first) - part.length();
    }
    long total = 0;
    for (int n = 1; n <= count; n++) {
      total += archive.entrySize(ArchiveLayout.framePath(archive.studyUid(), frames.seriesUid(), frames.sopUid(), n))
          - overhead;
    }
    return total;
  }

  private long entryDataLength(ElementPath path, String entry, ArchiveUri uri) throws IOException {
    long size = archive.entrySize(entry);
    if (size < 0) {
      throw new DicomJsonException(path.toString(), "BulkDataURI " + uri.relative() + " names no entry of the archive");
    }
    if (uri.kind() == ArchiveUri.Kind.FRAME) {
      try (Multipart.Part part = archive.part(entry)) {
        return part.length();
      }
    }
    if (size < BULK_DATA_OVERHEAD) {
      throw new DicomJsonException(path.toString(), "bulk data entry is shorter than its framing");
    }
    return size - BULK_DATA_OVERHEAD;
  }
}
