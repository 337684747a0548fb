package org.pacsmigrate.format.archive;

import java.util.Comparator;
import org.pacsmigrate.format.dicom.ElementPath;

/**
 * A URI relative to a study's metadata, taken apart: an instance's frames folder (Pixel Data's BulkDataURI),
 * one frame, or one bulk data value. Parsing accepts only the exact forms {@link ArchiveLayout} builds, so a
 * URI from a metadata file can be turned into an entry name without any risk of leaving the study.
 *
 * @param frame from 1 for {@link Kind#FRAME}, else 0
 * @param path for {@link Kind#BULK_DATA}, else null
 */
public record ArchiveUri(Kind kind, String seriesUid, String sopUid, int frame, ElementPath path) {

  public enum Kind { FRAMES, FRAME, BULK_DATA }

  /** The order of a study's entries after its metadata (README): by Series, SOP, then frames 1..n, then bulk data by path. */
  public static final Comparator<ArchiveUri> ARCHIVE_ORDER = Comparator.comparing(ArchiveUri::seriesUid)
      .thenComparing(ArchiveUri::sopUid)
      .thenComparing(ArchiveUri::kind)
      .thenComparingInt(ArchiveUri::frame)
      .thenComparing(u -> u.path() == null ? "" : u.path().toString());

  public static ArchiveUri parse(String relativeUri) {
    if (relativeUri == null) {
      throw new IllegalArgumentException("missing URI");
    }
    String[] parts = relativeUri.split("/", 6);
    if (parts.length < 5 || !parts[0].equals("series") || !parts[2].equals("instances")
        || !Uids.isValid(parts[1]) || !Uids.isValid(parts[3])) {
      throw notOurs(relativeUri);
    }
    String series = parts[1];
    String sop = parts[3];
    if (parts[4].equals("frames")) {
      if (parts.length == 5) {
        return new ArchiveUri(Kind.FRAMES, series, sop, 0, null);
      }
      return new ArchiveUri(Kind.FRAME, series, sop, frameNumber(parts[5], relativeUri), null);
    }
    if (parts[4].equals("bulkdata") && parts.length == 6) {
      return new ArchiveUri(Kind.BULK_DATA, series, sop, 0, elementPath(parts[5], relativeUri));
    }
    throw notOurs(relativeUri);
  }

  /** The URI again, in the canonical form {@link ArchiveLayout} writes. */
  public String relative() {
    return switch (kind) {
      case FRAMES -> ArchiveLayout.framesUri(seriesUid, sopUid);
      case FRAME -> ArchiveLayout.frameUri(seriesUid, sopUid, frame);
      case BULK_DATA -> ArchiveLayout.bulkDataUri(seriesUid, sopUid, path);
    };
  }

  private static int frameNumber(String text, String uri) {
    if (text.isEmpty() || text.length() > 10 || text.charAt(0) == '0' || !text.chars().allMatch(Character::isDigit)
        || Long.parseLong(text) > Integer.MAX_VALUE) {
      throw notOurs(uri);
    }
    return Integer.parseInt(text);
  }

  private static ElementPath elementPath(String text, String uri) {
    try {
      ElementPath path = ElementPath.parse(text);
      if (path.toString().equals(text)) {
        return path;
      }
    } catch (IllegalArgumentException e) {
      // Reported below, with the URI.
    }
    throw notOurs(uri);
  }

  private static IllegalArgumentException notOurs(String uri) {
    return new IllegalArgumentException("not a frame or bulk data URI of a study archive: " + Uids.show(uri));
  }
}
