package org.pacsmigrate.transforms.delta;

import java.io.Serializable;

/**
 * A study's archive as found on disk: its size and modification time (ns since the epoch). Recorded right after
 * the archive is written; a later run leaves the archive alone only if it still finds the same stamp, so an
 * archive replaced, touched or deleted since (by hand, or by a run killed before it could record what it wrote)
 * is written again.
 */
public record ArchiveStamp(long size, long modifiedNanos) implements Serializable {
  public static final ArchiveStamp NONE = new ArchiveStamp(-1, -1);
}
