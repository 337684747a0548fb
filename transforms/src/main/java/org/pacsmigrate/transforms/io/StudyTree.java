package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.Multipart;

/**
 * The tree layout: a study ZIP's entries as separate files or objects at their WADO-RS paths below
 * {@code archive/}, for plain HTTP GET ("direct access" in the DICOMweb archive format). Objects carry the
 * headers a client needs (files cannot; the runbook shows how a web server maps them):
 *
 * <ul>
 *   <li>{@code studies/{uid}/metadata}: {@code Content-Type: application/dicom+json},
 *       {@code Content-Encoding: gzip};</li>
 *   <li>frames and bulk data: {@code Content-Type: multipart/related; type="{the part's media type}";
 *       transfer-syntax={the part's syntax}; boundary={the boundary}}.</li>
 * </ul>
 *
 * The metadata goes last, so a study appears (has metadata) only once all its entries are in place; entries an
 * earlier run left for the same study that this run did not write (the input changed in between) are deleted
 * before it.
 */
final class StudyTree {
  private StudyTree() {}

  /** Unpacks {@code zip} (the study's archive) into {@code destination}; returns the entries' total length. */
  static long unpack(Path zip, String studyUid, ArchiveDestination destination) throws IOException {
    String folder = ArchiveLayout.studyFolder(studyUid);
    String metadataName = ArchiveLayout.metadataPath(studyUid);
    Set<String> written = new HashSet<>();
    long bytes = 0;
    try (ZipFile entries = new ZipFile(zip.toFile())) {
      ZipEntry metadata = null;
      for (ZipEntry e : Collections.list(entries.entries())) {
        String name = e.getName();
        if (!name.startsWith(folder)) {
          throw new IOException("entry outside the study's folder: " + name);
        }
        if (name.equals(metadataName)) {
          metadata = e;
          continue;
        }
        ArchiveDestination.Headers headers = partHeaders(entries, e);
        try (InputStream in = entries.getInputStream(e)) {
          destination.put(name, in, e.getSize(), headers);
        }
        written.add(name);
        bytes += e.getSize();
      }
      if (metadata == null) {
        throw new IOException("the study's archive has no metadata entry");
      }
      for (String name : destination.list(folder)) {
        if (!written.contains(name) && !name.equals(metadataName)) {
          destination.delete(name);
        }
      }
      try (InputStream in = entries.getInputStream(metadata)) {
        destination.put(metadataName, in, metadata.getSize(), metadataHeaders());
      }
      bytes += metadata.getSize();
    }
    return bytes;
  }

  static ArchiveDestination.Headers metadataHeaders() {
    return new ArchiveDestination.Headers(ArchiveLayout.METADATA_CONTENT_TYPE,
        ArchiveLayout.METADATA_CONTENT_ENCODING);
  }

  /** The HTTP Content-Type for answering with a frame or bulk data entry as it is, from the part's own head. */
  private static ArchiveDestination.Headers partHeaders(ZipFile zip, ZipEntry e) throws IOException {
    try (Multipart.Part part = Multipart.read(zip.getInputStream(e), e.getSize())) {
      return new ArchiveDestination.Headers(
          Multipart.responseContentType(part.mediaType(), part.transferSyntax(), ArchiveLayout.BOUNDARY), null);
    }
  }
}
