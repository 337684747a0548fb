package org.pacsmigrate.format.io;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * Writing the job's output failed (a full disk, a read-only or unwritable folder, a failed move or upload), as
 * opposed to reading a source. The difference decides who is to blame: a source that cannot be read makes its
 * study's files {@code rejected}; an output that cannot be written fails the run, and never marks a good source
 * rejected. So every write of the output goes through a path that throws this type ({@link OutputChannel},
 * {@link PartialFiles}, the archive store and the report writer), and the write path tells the two apart by type
 * alone.
 */
public final class OutputWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String location;

  /** @param location the file, object or folder being written (a path, never a value) */
  public OutputWriteException(String location, Throwable cause) {
    super(location + ": " + reason(cause), cause);
    this.location = location;
  }

  public String location() {
    return location;
  }

  /** {@code e} typed as an output failure at {@code location}, unless it already is one. */
  public static OutputWriteException of(String location, IOException e) {
    return e instanceof OutputWriteException o ? o : new OutputWriteException(location, e);
  }

  /**
   * The output failure in {@code t}'s chain of causes, or null. Runners wrap a worker's
   * exception, and a Flink cluster sends it back as a copy whose class is Flink's own (its {@code toString()}
   * still starts with this class's name), so both are recognised. Returns the throwable whose message is the
   * failure's ({@code location: reason}).
   */
  public static Throwable find(Throwable t) {
    // Causes only: a suppressed exception is a second failure while cleaning up after the first (closing a ZIP
    // whose source broke, on a full disk, say), and the first one decides.
    int depth = 0;
    for (Throwable c = t; c != null && depth < 64; c = c.getCause() == c ? null : c.getCause(), depth++) {
      if (c instanceof OutputWriteException || String.valueOf(c).startsWith(OutputWriteException.class.getName())) {
        return c;
      }
    }
    return null;
  }

  /** "No space left on device", "AccessDeniedException", "NoSuchFileException: /x (parent is a file)". */
  static String reason(Throwable e) {
    if (e == null) {
      return "failed";
    }
    if (e instanceof FileSystemException f) {
      String type = f.getClass() == FileSystemException.class ? "" : f.getClass().getSimpleName();
      String reason = f.getReason() == null ? "" : f.getReason();
      String other = f.getOtherFile() == null ? "" : " (to " + f.getOtherFile() + ")";
      String text = type.isEmpty() ? reason : reason.isEmpty() ? type : type + ": " + reason;
      return (text.isEmpty() ? "failed" : text) + other;
    }
    String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    if (e.getClass() == IOException.class) {
      return message.isEmpty() ? "failed" : message;
    }
    return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
