package org.pacsmigrate.format.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.BulkDataReader;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;

/** Every corpus file either parses (with its frames located) or is rejected with a reason naming it. */
class CorpusReaderTest {

  /** Frame counts that the files' own Number of Frames and geometry imply. */
  private static final Map<String, Integer> FRAMES = Map.of(
      "rtdose.dcm", 15,
      "rtdose_expb.dcm", 15,
      "rtdose_rle.dcm", 15,
      "SC_rgb_rle_2frame.dcm", 2,
      "SC_rgb_rle_16bit_2frame.dcm", 2,
      "SC_rgb_rle_32bit_2frame.dcm", 2,
      "CT_small.dcm", 1,
      "JPEG2000.dcm", 1);

  @TestFactory
  Stream<DynamicTest> everyFileParsesOrIsRejectedWithAReason() {
    return Corpus.files().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      P10Reader reader = new P10Reader();
      if (Corpus.expectRejected(file)) {
        DicomParseException e = assertThrows(DicomParseException.class, () -> reader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= Files.size(file), "offset " + e.offset());
        return;
      }
      DicomFile f = reader.read(file);
      assertTrue(f.dataSet().size() > 0);
      if (file.getFileName().toString().equals("badVR.dcm")) {
        // Number of Frames is "1A": the header is kept, but frames cannot be located.
        assertThrows(DicomParseException.class, () -> FrameLocator.locate(f));
        return;
      }
      if (file.getFileName().toString().equals("MR_small_padded.dcm")) {
        // 128 bytes after the one 64x64x16-bit frame: no rule says what they are, so the file is refused with the
        // figures rather than archived without them (issue 10).
        DicomParseException e = assertThrows(DicomParseException.class, () -> FrameLocator.locate(f));
        assertTrue(e.reason().startsWith("Pixel Data holds 8320 bytes but 1 frame(s) of 64x64x1x16 bits"), e.reason());
        assertTrue(e.reason().contains("need 8192"), e.reason());
        return;
      }
      List<Frame> frames = FrameLocator.locate(f);
      Integer expected = FRAMES.get(file.getFileName().toString());
      if (expected != null) {
        assertEquals(expected, frames.size());
      }
      try (BulkDataReader r = BulkDataReader.open(file, f)) {
        for (Frame frame : frames) {
          long total = 0;
          for (var range : frame.ranges()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            r.copy(range, out);
            total += out.size();
          }
          assertEquals(frame.length(), total);
        }
      }
    }));
  }

  @Test
  void nativeFramesTileThePixelData() throws Exception {
    Path file = Corpus.dir().resolve("pydicom/rtdose.dcm");
    DicomFile f = new P10Reader().read(file);
    DicomElement px = f.dataSet().get(Tag.PixelData);
    List<Frame> frames = FrameLocator.locate(f);
    long expectedStart = px.bulk().offset();
    for (Frame frame : frames) {
      assertEquals(expectedStart, frame.ranges().get(0).offset());
      expectedStart += frame.length();
    }
    assertEquals(px.bulk().end(), expectedStart);
  }
}
