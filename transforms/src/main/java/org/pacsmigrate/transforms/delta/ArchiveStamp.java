package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.io.ArchiveStore;

/**
 * A study's archive as found on disk: its size and modification time (ns since the epoch). Recorded right after
 * the archive is written; a later run leaves the archive alone only if it still finds the same stamp, so an
 * archive replaced, touched or deleted since (by hand, or by a run killed before it could record what it wrote)
 * is written again.
 */
public record ArchiveStamp(long size, long modifiedNanos) implements Serializable {
  public static final ArchiveStamp NONE = new ArchiveStamp(-1, -1);

  /** How a study's archive is found on disk now; {@link #NONE} when it is not there. */
  public static ArchiveStamp of(ArchiveStore store, String studyUid) throws OutputWriteException {
    Path file = store.stampedFile(studyUid);
    if (file == null) {
      return NONE;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Instant t = a.lastModifiedTime().toInstant();
      return new ArchiveStamp(a.size(), t.getEpochSecond() * 1_000_000_000L + t.getNano());
    } catch (NoSuchFileException e) {
      return NONE;
    } catch (IOException e) {
      throw OutputWriteException.of(file.toString(), e);
    }
  }
}
