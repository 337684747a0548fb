package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.io.StudyWriter;
import org.pacsmigrate.transforms.model.ParsedInstance;

/** {@link TestDicom}'s instances and the archive writer, for the tests of the delta package. */
public final class DeltaFixtures {
  public static final String STUDY = TestDicom.STUDY;

  private DeltaFixtures() {}

  /** Writes an 8x8 test image with this SOP Instance UID and pixel value; returns its record as ParseHeaders makes it. */
  public static ParsedInstance instance(Path file, String sopUid, int pixel) throws IOException {
    TestDicom.write(file, TestDicom.image(sopUid, pixel));
    return parse(file);
  }

  /** The record of a file as it is now, with its modification time as listed. */
  public static ParsedInstance parse(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      HeaderCheck.Verdict v = new HeaderCheck().check(file.toString(), Files.size(file),
          Files.getLastModifiedTime(file).toMillis(), ch);
      if (v.parsed() == null) {
        throw new AssertionError("rejected: " + v.rejected().reason());
      }
      return v.parsed();
    }
  }

  /** The per-study writer of a local ZIP output. */
  public static StudyWriter writer(Path output) {
    return WriteStudyArchives.to(ArchiveStore.under(output.toString())).writer();
  }

  /** The per-study writer of a local output in this layout. */
  public static StudyWriter writer(Path output, ArchiveStore.Layout layout) {
    return WriteStudyArchives.to(ArchiveStore.under(output.toString(), layout,
        org.pacsmigrate.transforms.gcs.DefaultStorageFactory.class)).writer();
  }
}
