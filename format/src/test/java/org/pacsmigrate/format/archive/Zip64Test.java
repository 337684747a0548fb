package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * ZIP64 where it is cheap to reach: more entries than a plain ZIP can count (65535), from one instance of 70000
 * one-byte frames. Entries or offsets beyond 4 GiB take ZIP64 by the same {@link Zip64Mode#AsNeeded} path but
 * would need a 4 GiB source; that case is left to the integration tests.
 */
class Zip64Test {
  private static final int FRAMES = 70_000;

  @TempDir
  Path dir;

  @Test
  void zip64OnlyAsNeeded() {
    assertEquals(Zip64Mode.AsNeeded, StoredZipWriter.ZIP64);
  }

  @Test
  void moreEntriesThanAPlainZipCanCount() throws Exception {
    DataSet ds = TestFiles.image(TestFiles.instance("2.25.64", "2.25.65", "2.25.66"), 1, 1, 8, FRAMES);
    byte[] pixels = TestFiles.pattern(FRAMES, 9);
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, pixels));
    ArchiveInstance instance = TestFiles.read(TestFiles.write(dir, "frames.dcm", ds,
        TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none()));
    Path zip = dir.resolve("2.25.64.zip");
    StudyArchiveWriter.Result result = new StudyArchiveWriter().writeAtomically("2.25.64", List.of(instance), zip);
    assertEquals(FRAMES, result.frames());

    byte[] bytes = Files.readAllBytes(zip);
    assertTrue(indexOf(bytes, new byte[] {0x50, 0x4b, 0x06, 0x06}) > 0, "ZIP64 end of central directory");
    try (StudyArchive archive = StudyArchive.open(zip)) {
      assertEquals(FRAMES + 1, archive.entryNames().size());
      assertEquals(FRAMES, archive.frameCount("2.25.65", "2.25.66"));
      for (int n : new int[] {1, 65535, 65536, FRAMES}) {
        assertArrayEquals(new byte[] {pixels[n - 1]}, ArchiveChecks.bytes(archive.frame("2.25.65", "2.25.66", n)));
      }
    }
    SystemTools.requireTool("unzip");
    Process p = new ProcessBuilder("unzip", "-tq", zip.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = haystack.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
