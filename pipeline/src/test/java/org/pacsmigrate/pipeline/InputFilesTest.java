package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded count that tells a short run from a long one. */
class InputFilesTest {
  @TempDir Path dir;

  @Test
  void countsEveryEntryBelowAFolderUpToTheLimit() throws Exception {
    for (int s = 0; s < 3; s++) {
      Path study = Files.createDirectories(dir.resolve("in/study" + s + "/series"));
      for (int i = 0; i < 4; i++) {
        Files.write(study.resolve("IM" + i), new byte[1]);
      }
    }
    Files.createSymbolicLink(dir.resolve("in/loop"), dir.resolve("in")); // counted, never followed
    // 3 study folders, 3 series folders, 12 files, 1 link.
    assertEquals(19, InputFiles.countUpTo(dir.resolve("in").toString(), 1000));
    assertEquals(10, InputFiles.countUpTo(dir.resolve("in").toString(), 10));
    assertEquals(0, InputFiles.countUpTo(Files.createDirectory(dir.resolve("empty")).toString(), 10));
    // What it cannot count is taken as long.
    assertEquals(10, InputFiles.countUpTo(dir.resolve("missing").toString(), 10));
    assertEquals(10, InputFiles.countUpTo("gs://bucket/pacs", 10));
  }
}
