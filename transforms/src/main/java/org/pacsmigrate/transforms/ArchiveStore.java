package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.StudyArchiveWriter;

/**
 * Where study ZIPs go: {@code {output}/archive/{StudyInstanceUID}.zip}. The writer builds the ZIP under a
 * temporary name next to the target and moves it into place, so a crash never leaves a partial ZIP under its
 * final name, and a rerun rewrites the same bytes. This is the only class that knows the output is a local
 * folder; writing to Cloud Storage replaces it.
 */
public final class ArchiveStore implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  private final String output;

  private ArchiveStore(String output) {
    this.output = output;
  }

  /** @param output the job's output folder (local) */
  public static ArchiveStore under(String output) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    if (URL_SCHEME.matcher(output).find() && !output.startsWith("file://")) {
      throw new IllegalArgumentException("archives are written to a local folder for now, not to " + output);
    }
    return new ArchiveStore(output.startsWith("file://") ? output.substring("file://".length()) : output);
  }

  public Path target(String studyUid) {
    return Path.of(output, "archive", ArchiveLayout.zipName(studyUid));
  }

  public StudyArchiveWriter.Result write(String studyUid, List<ArchiveInstance> instances) throws IOException {
    return new StudyArchiveWriter().writeAtomically(studyUid, instances, target(studyUid));
  }
}
