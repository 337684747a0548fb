package org.pacsmigrate.pipeline.serve;

/**
 * A frame or bulk data entry as stored: its part's media type and transfer syntax (null when the part has none)
 * and its boundary, and where the whole entry and its data bytes are ({@link StudyFiles#write}).
 */
record StoredPart(String mediaType, String transferSyntax, String boundary, StudyFiles.Region entry,
    StudyFiles.Region data) {

  /** The part's Content-Type line value, as the archive writes it. */
  String contentType() {
    return transferSyntax == null ? mediaType : mediaType + "; transfer-syntax=" + transferSyntax;
  }
}
