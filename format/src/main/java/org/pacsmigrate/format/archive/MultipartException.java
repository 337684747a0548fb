package org.pacsmigrate.format.archive;

import java.io.IOException;

/** An entry that is not one part framed as the archive format says. */
public class MultipartException extends IOException {
  public MultipartException(String message) {
    super(message);
  }
}
