package org.pacsmigrate.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.TestDicom;

class HeaderCheckTest {
  @TempDir Path dir;

  private HeaderCheck.Verdict check(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p)) {
      return new HeaderCheck().check(p.toString(), Files.size(p), ch);
    }
  }

  @Test
  void acceptsAnImageAndKeysItByStudy() throws IOException {
    HeaderCheck.Verdict v = check(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3.4", 1)));
    assertNull(v.rejected());
    assertEquals(TestDicom.STUDY, v.parsed().studyUid());
    assertEquals("1.2.3.4", v.parsed().sopInstanceUid());
    assertFalse(v.parsed().reconciliation().contains(Tag.PixelData), "only the reconciliation attributes are kept");
    assertTrue(v.parsed().reconciliation().contains(Tag.PatientName));
    assertEquals(32, v.parsed().headerDigest().length);
  }

  @Test
  void rejectsWhatIsNotDicom() throws IOException {
    Path p = Files.writeString(dir.resolve("notes.txt"), "not an image, just some text for the test");
    HeaderCheck.Verdict v = check(p);
    assertNull(v.parsed());
    assertTrue(v.rejected().reason().startsWith("not readable as DICOM: "), v.rejected().reason());
    assertEquals("", v.rejected().study());
  }

  @Test
  void rejectsATruncatedFileWithTheReadersReason() throws IOException {
    Path whole = TestDicom.write(dir.resolve("whole.dcm"), TestDicom.image("1.2.3.4", 1));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.dcm"), Arrays.copyOf(bytes, bytes.length - 100));
    String reason = check(cut).rejected().reason();
    assertTrue(reason.contains("(7FE0,0010) claims") && reason.contains("(at byte "), reason);
  }

  @Test
  void rejectsMissingAndInvalidUidsNamingTheAttribute() throws IOException {
    DataSet noStudy = TestDicom.image("1.2.3.4", 1);
    noStudy.remove(Tag.StudyInstanceUID);
    assertEquals("no Study Instance UID (0020,000D)",
        check(TestDicom.write(dir.resolve("a.dcm"), noStudy)).rejected().reason());

    HeaderCheck.Verdict badSop = check(TestDicom.write(dir.resolve("b.dcm"), TestDicom.image("1.2.03.x", 1)));
    assertNotNull(badSop.rejected());
    assertTrue(badSop.rejected().reason().contains("SOP Instance UID"), badSop.rejected().reason());
    assertEquals(TestDicom.STUDY, badSop.rejected().study(), "the study is known, so the manifest says it");
  }

  @Test
  void rejectsFramesThatCannotBeLocated() throws IOException {
    DataSet ds = TestDicom.image("1.2.3.4", 1);
    ds.put(TestDicom.text(Tag.NumberOfFrames, VR.IS, "1A"));
    String reason = check(TestDicom.write(dir.resolve("a.dcm"), ds)).rejected().reason();
    assertTrue(reason.startsWith("frames cannot be located: Number of Frames"), reason);
  }
}
