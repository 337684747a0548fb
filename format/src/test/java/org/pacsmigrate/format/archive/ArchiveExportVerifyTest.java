package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.corpus.Corpus;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;

/** write -> read -> export -> compare, for every archivable corpus file, through {@link ArchiveVerifier}. */
class ArchiveExportVerifyTest {
  @TempDir Path dir;

  /** Corpus files an archive cannot hold: no UIDs to file them under, or frames that cannot be located. */
  static boolean archivable(DicomFile f) {
    DataSet ds = f.dataSet();
    try {
      FrameLocator.locate(f);
      Uids.requireValid(ds.asciiString(Tag.StudyInstanceUID), "Study Instance UID");
      Uids.requireValid(ds.asciiString(Tag.SeriesInstanceUID), "Series Instance UID");
      Uids.requireValid(ds.asciiString(Tag.SOPInstanceUID), "SOP Instance UID");
      return true;
    } catch (DicomParseException | IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  private static ArchiveInstance instance(Path file, DicomFile f) {
    return new ArchiveInstance(f, () -> FileChannel.open(file, StandardOpenOption.READ));
  }

  @TestFactory
  Stream<DynamicTest> everyArchivableCorpusFileExportsEqualToItsSource() {
    return Corpus.files().stream().filter(f -> !Corpus.expectRejected(f))
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
          DicomFile f = new P10Reader().read(file);
          if (!archivable(f)) {
            System.err.println("not archivable (the pipeline rejects it): " + file.getFileName());
            return;
          }
          String study = f.dataSet().asciiString(Tag.StudyInstanceUID);
          Path zip = dir.resolve(file.getFileName() + ".zip");
          new StudyArchiveWriter().writeAtomically(study, List.of(instance(file, f)), zip);
          try (StudyArchive archive = StudyArchive.open(zip)) {
            ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work")).verify(archive,
                List.of(file));
            assertTrue(verdict.ok(), verdict.summary() + " " + verdict.instances());
            List<Path> exported = new ArchiveExporter().export(archive, null, dir.resolve("export"));
            assertEquals(1, exported.size());
          }
        }));
  }

  /** Corpus files grouped by study: multi-instance archives, one instance per SOP Instance UID. */
  @Test
  void corpusStudiesWithSeveralInstancesVerify() throws IOException {
    Map<String, Map<String, Path>> studies = new TreeMap<>();
    Map<Path, DicomFile> parsed = new TreeMap<>();
    for (Path file : Corpus.files()) {
      if (Corpus.expectRejected(file)) {
        continue;
      }
      DicomFile f = new P10Reader().read(file);
      if (archivable(f)) {
        parsed.put(file, f);
        studies.computeIfAbsent(f.dataSet().asciiString(Tag.StudyInstanceUID), k -> new TreeMap<>())
            .putIfAbsent(f.dataSet().asciiString(Tag.SOPInstanceUID), file);
      }
    }
    int multi = 0;
    for (Map.Entry<String, Map<String, Path>> study : studies.entrySet()) {
      List<ArchiveInstance> instances = new ArrayList<>();
      for (Path file : study.getValue().values()) {
        instances.add(instance(file, parsed.get(file)));
      }
      multi += instances.size() > 1 ? 1 : 0;
      Path zip = dir.resolve(study.getKey() + ".zip");
      new StudyArchiveWriter().writeAtomically(study.getKey(), instances, zip);
      try (StudyArchive archive = StudyArchive.open(zip)) {
        ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work")).verify(archive,
            List.copyOf(study.getValue().values()));
        assertTrue(verdict.ok(), verdict.summary() + " " + verdict.instances());
      }
    }
    assertTrue(multi > 0, "the corpus has studies with several instances");
  }

  @Test
  void verifyFindsAChangedValueAndAMissingInstance() throws IOException {
    Path source = Corpus.dir().resolve("pydicom/CT_small.dcm");
    DicomFile f = new P10Reader().read(source);
    DataSet changed = copyOf(f.dataSet());
    changed.put(DicomElement.ofBytes(Tag.PatientName, VR.PN, "Other^Name".getBytes(StandardCharsets.US_ASCII)));
    String study = f.dataSet().asciiString(Tag.StudyInstanceUID);
    Path zip = dir.resolve("changed.zip");
    new StudyArchiveWriter().writeAtomically(study,
        List.of(new ArchiveInstance(f, changed, () -> FileChannel.open(source, StandardOpenOption.READ))), zip);
    Path other = Corpus.dir().resolve("pydicom/MR_small.dcm");
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir).verify(archive, List.of(source, other));
      assertFalse(verdict.ok());
      assertEquals("00100010: PN value differs", verdict.instances().get(0).differences().get(0).toString());
      assertEquals("-: instance is not in the archive", verdict.instances().get(1).differences().get(0).toString());
      assertFalse(verdict.summary().contains("Other"), "no patient data in the verdict");
    }
  }

  @Test
  void reconciledValuesVerifyAgainstTheirRecordedOriginals() throws IOException {
    Path source = Corpus.dir().resolve("pydicom/CT_small.dcm");
    DicomFile f = new P10Reader().read(source);
    String study = f.dataSet().asciiString(Tag.StudyInstanceUID);
    for (boolean truthful : new boolean[] {true, false}) {
      DataSet changed = copyOf(f.dataSet());
      changed.put(DicomElement.ofBytes(Tag.PatientName, VR.PN, "Reconciled^Name".getBytes(StandardCharsets.US_ASCII)));
      DataSet modified = new DataSet().put(truthful ? f.dataSet().get(Tag.PatientName)
          : DicomElement.ofBytes(Tag.PatientName, VR.PN, "Wrong^Original".getBytes(StandardCharsets.US_ASCII)));
      DataSet record = new DataSet()
          .put(DicomElement.ofItems(ArchiveVerifier.MODIFIED_ATTRIBUTES_SEQUENCE, List.of(modified)))
          .put(DicomElement.ofBytes(0x04000562, VR.DT, "20261125120000".getBytes(StandardCharsets.US_ASCII)))
          .put(DicomElement.ofBytes(0x04000563, VR.LO, "PACSMIGRATE".getBytes(StandardCharsets.US_ASCII)))
          .put(DicomElement.ofBytes(0x04000564, VR.LO, "test".getBytes(StandardCharsets.US_ASCII)))
          .put(DicomElement.ofBytes(0x04000565, VR.CS, "COERCE".getBytes(StandardCharsets.US_ASCII)));
      changed.put(DicomElement.ofItems(ArchiveVerifier.ORIGINAL_ATTRIBUTES_SEQUENCE, List.of(record)));
      Path zip = dir.resolve("reconciled-" + truthful + ".zip");
      new StudyArchiveWriter().writeAtomically(study,
          List.of(new ArchiveInstance(f, changed, () -> FileChannel.open(source, StandardOpenOption.READ))), zip);
      try (StudyArchive archive = StudyArchive.open(zip)) {
        ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir).verify(archive, List.of(source));
        assertEquals(truthful, verdict.ok(), verdict.instances().toString());
      }
    }
  }

  private static DataSet copyOf(DataSet ds) {
    DataSet copy = new DataSet();
    for (DicomElement e : ds.elements()) {
      copy.put(e);
    }
    return copy;
  }
}
