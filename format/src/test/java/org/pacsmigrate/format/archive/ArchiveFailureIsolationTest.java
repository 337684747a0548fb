package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveVerifier.InstanceVerdict;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * Issue 10: one instance that cannot be exported or verified (here: an archive written before the parse-time
 * checks, with an instance without SOP Class UID) is reported as that instance's failure; the others are still
 * exported and verified. Before, export wrote the instances before it and stopped; verify died with a stack trace.
 */
class ArchiveFailureIsolationTest {
  private static final String STUDY = "1.2.826.0.1.3680043.10.543.77";
  private static final String SERIES = STUDY + ".1";

  @TempDir Path dir;

  private Path source(String sop, boolean withClass, int seed) throws IOException {
    DataSet ds = TestFiles.image(TestFiles.instance(STUDY, SERIES, sop), 4, 4, 16, 1);
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, TestFiles.pattern(32, seed)));
    Path file = dir.resolve(sop + ".dcm");
    DataSet meta = new DataSet();
    meta.put(TestFiles.text(Tag.MediaStorageSOPClassUID, VR.UI, TestFiles.SC_CLASS));
    if (!withClass) {
      ds.remove(Tag.SOPClassUID);
    }
    try (var out = Files.newOutputStream(file)) {
      new P10Writer().write(meta, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    return file;
  }

  @Test
  void exportAndVerifyGoOnPastAnInstanceThatCannotBeExported() throws IOException {
    List<Path> sources = List.of(source(STUDY + ".1.1", true, 1), source(STUDY + ".1.2", false, 2),
        source(STUDY + ".1.3", true, 3));
    List<ArchiveInstance> instances = new ArrayList<>();
    for (Path s : sources) {
      DicomFile f = new P10Reader().read(s);
      instances.add(new ArchiveInstance(f, SourceOpener.of(s)));
    }
    assertEquals("no SOP Class UID (0008,0016)", ArchiveAdmission.problem(instances.get(1).file()),
        "the job refuses such a file now; this archive stands for one written before");
    Path zip = dir.resolve(STUDY + ".zip");
    new StudyArchiveWriter().writeAtomically(STUDY, instances, zip);

    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveExporter.Result result = new ArchiveExporter().exportEach(archive, null, dir.resolve("export"));
      assertEquals(2, result.written().size(), result.toString());
      assertEquals(1, result.failures().size(), result.toString());
      assertTrue(result.failures().get(0).contains(STUDY + ".1.2"), result.failures().get(0));
      assertFalse(Files.exists(dir.resolve("export").resolve(STUDY + ".1.2.dcm")), "no partial file is left");

      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work")).verify(archive, sources);
      assertFalse(verdict.ok());
      assertEquals(3, verdict.instances().size(), "every instance is checked");
      assertEquals(1, verdict.failed(), verdict.details().toString());
      InstanceVerdict bad = verdict.instances().get(1);
      assertEquals(STUDY + ".1.2", bad.sopUid());
      assertTrue(bad.differences().get(0).what().startsWith("cannot be checked: IllegalArgumentException"),
          bad.differences().toString());
      assertTrue(verdict.details().get(0).contains(STUDY + ".1.2"), verdict.details().toString());
    }
  }

  @Test
  void verifyNamesTheFrameThatDiffers() throws IOException {
    DataSet ds = TestFiles.image(TestFiles.instance(STUDY, SERIES, STUDY + ".2.1"), 4, 4, 16, 3);
    ds.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, TestFiles.pattern(96, 5)));
    Path source = dir.resolve("multi.dcm");
    try (var out = Files.newOutputStream(source)) {
      new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    Path zip = dir.resolve("multi.zip");
    new StudyArchiveWriter().writeAtomically(STUDY, List.of(TestFiles.read(source)), zip);
    // The source changes after archiving: one byte of frame 2.
    byte[] bytes = Files.readAllBytes(source);
    bytes[bytes.length - 96 + 32 + 5] ^= 0x55;
    Files.write(source, bytes);
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work")).verify(archive,
          List.of(source));
      assertFalse(verdict.ok());
      List<String> details = verdict.details();
      assertTrue(details.stream().anyMatch(l -> l.contains("7FE00010/frames/2: frame 2 differs")), details.toString());
      assertFalse(details.stream().anyMatch(l -> l.contains("frames/1:") || l.contains("frames/3:")),
          details.toString());
    }
  }
}
