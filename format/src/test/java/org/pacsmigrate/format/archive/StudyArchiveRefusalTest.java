package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.archive.GeneratedStudy.STUDY;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.TransferSyntax;

/** A study that cannot be archived is refused before anything is written; a failing source leaves no file. */
class StudyArchiveRefusalTest {
  @TempDir
  static Path dir;
  static List<ArchiveInstance> instances;

  @BeforeAll
  static void sources() throws IOException {
    instances = GeneratedStudy.write(dir.resolve("sources"));
  }

  private static ArchiveInstance withChanged(ArchiveInstance i, DicomElement... changes) {
    DataSet copy = new DataSet();
    i.metadata().elements().forEach(copy::put);
    for (DicomElement e : changes) {
      copy.put(e);
    }
    return new ArchiveInstance(i.file(), copy, i.source());
  }

  private static List<ArchiveInstance> replacingFirst(ArchiveInstance replacement) {
    List<ArchiveInstance> list = new ArrayList<>(instances);
    list.set(0, replacement);
    return list;
  }

  /** Writes to an in-memory channel and to a file; neither may receive a byte. */
  private static <T extends Throwable> T refused(Class<T> type, String study, List<ArchiveInstance> list)
      throws IOException {
    SeekableInMemoryByteChannel out = new SeekableInMemoryByteChannel();
    T e = assertThrows(type, () -> new StudyArchiveWriter().write(study, list, out));
    assertEquals(0, out.size(), "nothing written");
    Path folder = Files.createTempDirectory(dir, "refused");
    assertThrows(type, () -> new StudyArchiveWriter().writeAtomically(study, list, folder.resolve("study.zip")));
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of(), files.toList(), "no file created");
    }
    return e;
  }

  @Test
  void invalidStudyUid() throws IOException {
    InvalidUidException e = refused(InvalidUidException.class, "2.25.01", instances);
    assertTrue(e.getMessage().contains("Study Instance UID"), e.getMessage());
    assertTrue(e.getMessage().contains("leading zero"), e.getMessage());
  }

  @Test
  void instanceOfAnotherStudy() throws IOException {
    IllegalArgumentException e = refused(IllegalArgumentException.class, "2.25.1001", instances);
    assertTrue(e.getMessage().contains("(0020,000D)") && e.getMessage().contains("2.25.1001"), e.getMessage());
  }

  @Test
  void invalidSeriesUid() throws IOException {
    ArchiveInstance bad = withChanged(instances.get(0), TestFiles.text(Tag.SeriesInstanceUID, VR.UI, "1.2..3"));
    InvalidUidException e = refused(InvalidUidException.class, STUDY, replacingFirst(bad));
    assertTrue(e.getMessage().startsWith("Series Instance UID (0020,000E) of " + bad.file().source()), e.getMessage());
    assertEquals("has an empty component", e.reason());
  }

  @Test
  void sopUidThatWouldLeaveTheFolder() throws IOException {
    for (String uid : List.of("1.2/../../3", "..", "1.2/3", "/1.2")) {
      ArchiveInstance bad = withChanged(instances.get(0), TestFiles.text(Tag.SOPInstanceUID, VR.UI, uid));
      InvalidUidException e = refused(InvalidUidException.class, STUDY, replacingFirst(bad));
      assertTrue(e.getMessage().contains("SOP Instance UID"), e.getMessage());
    }
  }

  @Test
  void duplicateSopInstanceUid() throws IOException {
    List<ArchiveInstance> list = new ArrayList<>(instances);
    list.add(instances.get(3));
    IllegalArgumentException e = refused(IllegalArgumentException.class, STUDY, list);
    assertTrue(e.getMessage().contains(ArchiveChecks.sop(instances.get(3))), e.getMessage());
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void noInstances() throws IOException {
    refused(IllegalArgumentException.class, STUDY, List.of());
  }

  @Test
  void framesThatCannotBeLocated() throws IOException {
    TestFiles.Fragments fragments = new TestFiles.Fragments();
    DataSet ds = TestFiles.image(TestFiles.instance(STUDY, "2.25.5", "2.25.6"), 8, 8, 8, 3);
    TestFiles.encapsulated(ds, fragments, false, List.of(List.of(TestFiles.pattern(10, 1), TestFiles.pattern(10, 2))));
    ArchiveInstance ambiguous = TestFiles.read(TestFiles.write(dir, "ambiguous.dcm", ds,
        TransferSyntax.forUid(TestFiles.JPEG_BASELINE), fragments));
    List<ArchiveInstance> list = new ArrayList<>(instances);
    list.add(ambiguous);
    DicomParseException e = refused(DicomParseException.class, STUDY, list);
    assertEquals(ambiguous.file().source(), e.source());
  }

  @Test
  void fragmentsOutsideTopLevelPixelData() throws IOException {
    DicomElement icon = DicomElement.ofItems(0x00880200, List.of(TestFiles.item(DicomElement.ofFragments(
        Tag.PixelData, VR.OB, new byte[0], List.of(new BulkData(200, 10))))));
    ArchiveInstance bad = withChanged(instances.get(0), icon);
    IllegalArgumentException e = refused(IllegalArgumentException.class, STUDY, replacingFirst(bad));
    assertTrue(e.getMessage().contains("00880200/0/7FE00010"), e.getMessage());
  }

  @Test
  void sourceFailingMidwayLeavesNoFile() throws IOException {
    Path target = dir.resolve("failing.zip");
    Path partial = dir.resolve("failing.zip.partial");
    for (long budget : new long[] {0, 100, 300}) {
      IOException e = assertThrows(IOException.class,
          () -> new StudyArchiveWriter().writeAtomically(STUDY, failingAfter(budget), target));
      assertTrue(e.getMessage().contains("cannot write studies/" + STUDY + "/series/"), e.getMessage());
      assertFalse(Files.exists(target), "no target after budget " + budget);
      assertFalse(Files.exists(partial), "no partial file after budget " + budget);
    }
  }

  @Test
  void failedRewriteKeepsThePreviousArchive() throws IOException {
    Path target = dir.resolve("kept.zip");
    new StudyArchiveWriter().writeAtomically(STUDY, instances, target);
    byte[] before = Files.readAllBytes(target);
    assertThrows(IOException.class, () -> new StudyArchiveWriter().writeAtomically(STUDY, failingAfter(300), target));
    assertArrayEquals(before, Files.readAllBytes(target));
    assertFalse(Files.exists(dir.resolve("kept.zip.partial")));
  }

  @Test
  void stalePartialFileIsReplaced() throws IOException {
    Path target = dir.resolve("stale.zip");
    Files.write(dir.resolve("stale.zip.partial"), new byte[] {1, 2, 3});
    new StudyArchiveWriter().writeAtomically(STUDY, instances, target);
    assertFalse(Files.exists(dir.resolve("stale.zip.partial")));
    try (StudyArchive archive = StudyArchive.open(target)) {
      assertEquals(instances.size(), archive.instances(archive.placeholderResolver()).size());
    }
  }

  /** The study with its biggest source (the multi-frame one) failing after {@code budget} bytes. */
  private static List<ArchiveInstance> failingAfter(long budget) {
    List<ArchiveInstance> list = new ArrayList<>();
    for (ArchiveInstance i : instances) {
      if (ArchiveChecks.sop(i).equals("2.25.3000.2")) {
        Path file = Path.of(i.file().source());
        list.add(new ArchiveInstance(i.file(), i.metadata(),
            () -> new FailingChannel(FileChannel.open(file, StandardOpenOption.READ), budget)));
      } else {
        list.add(i);
      }
    }
    return list;
  }
}
