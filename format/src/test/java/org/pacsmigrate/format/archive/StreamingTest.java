package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.TransferSyntax;

/** Frames pass through in chunks on the way in and out; names outside the layout are refused on the way out. */
class StreamingTest {
  private static final int SIDE = 4096;
  private static final int FRAME = SIDE * SIDE;

  @TempDir
  Path dir;

  /** Records the largest single read or write, to show that no frame is moved in one piece. */
  private static final class Recording extends FilterChannel {
    int largest;

    Recording(SeekableByteChannel channel) {
      super(channel);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      largest = Math.max(largest, dst.remaining());
      return super.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      largest = Math.max(largest, src.remaining());
      return super.write(src);
    }
  }

  @Test
  void aLargeFrameIsCopiedInChunks() throws Exception {
    DataSet ds = TestFiles.image(TestFiles.instance("2.25.70", "2.25.71", "2.25.72"), SIDE, SIDE, 8, 1);
    byte[] pixels = TestFiles.pattern(FRAME, 3);
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, pixels));
    Path file = TestFiles.write(dir, "large.dcm", ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none());
    ArchiveInstance read = TestFiles.read(file);
    Recording[] source = new Recording[1];
    ArchiveInstance recorded = new ArchiveInstance(read.file(), read.metadata(),
        () -> source[0] = new Recording(FileChannel.open(file, StandardOpenOption.READ)));
    Path zip = dir.resolve("large.zip");
    try (Recording out = new Recording(FileChannel.open(zip, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.READ))) {
      new StudyArchiveWriter().write("2.25.70", List.of(recorded), out);
      // Writes are coalesced into the plain ZIP writer's buffer, still far smaller than the 16 MiB frame.
      assertTrue(out.largest <= PlainZipWriter.BUFFER_SIZE, "largest write " + out.largest);
    }
    assertTrue(source[0].largest <= 256 * 1024, "largest read " + source[0].largest);

    try (StudyArchive archive = StudyArchive.open(zip);
        Multipart.Part part = archive.frame("2.25.71", "2.25.72", 1)) {
      assertEquals(FRAME, part.length());
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[8192];
      InputStream in = part.body();
      for (int n; (n = in.read(chunk)) >= 0; ) {
        md.update(chunk, 0, n);
      }
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(pixels), md.digest());
    }
  }

  @Test
  void readerRefusesNamesOutsideTheLayout() throws IOException {
    List<ArchiveInstance> instances = GeneratedStudy.write(dir.resolve("sources"));
    Path zip = dir.resolve("study.zip");
    new StudyArchiveWriter().writeAtomically(GeneratedStudy.STUDY, instances, zip);
    Path tree = dir.resolve("tree");
    Unzip.extract(zip, tree);
    java.nio.file.Files.writeString(tree.resolve("secret"), "not part of any study");
    for (Path where : List.of(zip, tree)) {
      try (StudyArchive archive = StudyArchive.open(where)) {
        String study = "studies/" + GeneratedStudy.STUDY + "/";
        for (String name : List.of("secret", "../secret", study + "../../secret", study + "metadata",
            study + "series/2.25.2000.2/instances/2.25.3000.1/frames/1/../../../../../../secret",
            "studies/2.25.1/series/2.25.2000.2/instances/2.25.3000.1/frames/1")) {
          assertThrows(IllegalArgumentException.class, () -> archive.part(name), name);
        }
        assertThrows(IllegalArgumentException.class, () -> archive.bulkData("../../secret"));
        assertThrows(IllegalArgumentException.class, () -> archive.bulkData("series/2.25.2000.2/instances/2.25.3000.1/frames"));
        assertThrows(InvalidUidException.class, () -> archive.frame("..", "2.25.3000.1", 1));
        assertThrows(java.nio.file.NoSuchFileException.class,
            () -> archive.frame(GeneratedStudy.SERIES_NATIVE, "2.25.3000.1", 2));
        assertEquals(0, archive.frameCount(GeneratedStudy.SERIES_NATIVE, "2.25.9"));
      }
    }
  }
}
