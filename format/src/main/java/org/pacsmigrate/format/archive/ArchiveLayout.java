package org.pacsmigrate.format.archive;

import org.pacsmigrate.format.dicom.ElementPath;

/**
 * Entry names and URIs of a study archive (README, "The archive"). Every UID is checked before it becomes part
 * of a name, so a name built here never leaves its study's folder.
 */
public final class ArchiveLayout {
  /**
   * The one boundary every part uses. Fixed, so the same study always gives the same bytes; long and unusual
   * so that it does not turn up in data by chance. Only token characters, so it never needs quoting.
   */
  public static final String BOUNDARY = "pacsmigrate.archive.part.5f0c2b7e9d4a1836e7b0c5f2a9d3e618";
  /** How native frames and bulk data are labelled (only the byte order matters; always little endian). */
  public static final String NATIVE_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
  /**
   * How archives written before native values were swapped labelled those of a big endian source (kept as
   * stored); still read by the exporter. Nothing is written with this label any more.
   */
  public static final String NATIVE_BIG_ENDIAN = "1.2.840.10008.1.2.2";
  public static final String METADATA_CONTENT_TYPE = "application/dicom+json";
  /** The metadata entry holds gzip bytes under a name without ".gz"; a server sends this Content-Encoding. */
  public static final String METADATA_CONTENT_ENCODING = "gzip";
  public static final String OCTET_STREAM = "application/octet-stream";

  private ArchiveLayout() {}

  public static String zipName(String studyUid) {
    return Uids.requireValid(studyUid, "Study Instance UID") + ".zip";
  }

  /** "studies/{study}/", the folder every entry of the study is in. */
  public static String studyFolder(String studyUid) {
    return "studies/" + Uids.requireValid(studyUid, "Study Instance UID") + "/";
  }

  public static String metadataPath(String studyUid) {
    return studyFolder(studyUid) + "metadata";
  }

  /** The BulkDataURI of an instance's Pixel Data: its frames are the entries below it. */
  public static String framesUri(String seriesUid, String sopUid) {
    return instanceUri(seriesUid, sopUid) + "frames";
  }

  /** Frame {@code n} (from 1) relative to the study's metadata, the form {@link #entryFor} takes. */
  public static String frameUri(String seriesUid, String sopUid, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("frames are numbered from 1, not " + n);
    }
    return framesUri(seriesUid, sopUid) + "/" + n;
  }

  public static String bulkDataUri(String seriesUid, String sopUid, ElementPath path) {
    return instanceUri(seriesUid, sopUid) + "bulkdata/" + path;
  }

  public static String framePath(String studyUid, String seriesUid, String sopUid, int n) {
    return studyFolder(studyUid) + frameUri(seriesUid, sopUid, n);
  }

  public static String bulkDataPath(String studyUid, String seriesUid, String sopUid, ElementPath path) {
    return studyFolder(studyUid) + bulkDataUri(seriesUid, sopUid, path);
  }

  /**
   * The entry a relative URI of the study's metadata names (RFC 3986 resolution against
   * "studies/{study}/metadata"). Only a frame or a bulk data URI of the forms above is accepted: anything else
   * (an absolute URI, "..", a query, a non-canonical path) is refused rather than resolved.
   */
  public static String entryFor(String studyUid, String relativeUri) {
    ArchiveUri uri = ArchiveUri.parse(relativeUri);
    if (uri.kind() == ArchiveUri.Kind.FRAMES) {
      throw new IllegalArgumentException("not an entry but the folder of an instance's frames: "
          + Uids.show(relativeUri));
    }
    return studyFolder(studyUid) + uri.relative();
  }

  private static String instanceUri(String seriesUid, String sopUid) {
    return "series/" + Uids.requireValid(seriesUid, "Series Instance UID") + "/instances/"
        + Uids.requireValid(sopUid, "SOP Instance UID") + "/";
  }
}
