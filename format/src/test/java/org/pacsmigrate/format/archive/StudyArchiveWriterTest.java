package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.archive.ArchiveChecks.LE;
import static org.pacsmigrate.format.archive.ArchiveChecks.bytes;
import static org.pacsmigrate.format.archive.GeneratedStudy.STUDY;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;

class StudyArchiveWriterTest {
  @TempDir
  static Path dir;
  static List<ArchiveInstance> instances;
  static Path zip;
  static StudyArchiveWriter.Result result;

  @BeforeAll
  static void writeStudy() throws IOException {
    instances = GeneratedStudy.write(dir.resolve("sources"));
    zip = dir.resolve(ArchiveLayout.zipName(STUDY));
    result = new StudyArchiveWriter().writeAtomically(STUDY, instances, zip);
  }

  @Test
  void entriesAreTheReadmesNamesInItsOrder() throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip)) {
      List<String> names = archive.entryNames();
      assertEquals(ArchiveChecks.expectedEntries(STUDY, instances), names);
      String native1 = "studies/2.25.1000/series/2.25.2000.2/instances/2.25.3000.1/";
      String nested = "studies/2.25.1000/series/2.25.2000.2/instances/2.25.3000.4/";
      // Spelled out, so a shared mistake in the writer and ArchiveChecks would still show.
      assertEquals(List.of(native1 + "frames/1", native1 + "bulkdata/00091041", native1 + "bulkdata/00091043"),
          names.subList(names.indexOf(native1 + "frames/1"), names.indexOf(native1 + "frames/1") + 3));
      assertTrue(names.contains(nested + "bulkdata/0040A730/0/0040A730/1/00091050"), "OB two items deep");
      assertFalse(names.contains(native1 + "bulkdata/00091042"), "1024 bytes are inline");
      assertTrue(names.indexOf("studies/2.25.1000/series/2.25.2000.10/instances/2.25.4000.10/frames/1")
          < names.indexOf("studies/2.25.1000/series/2.25.2000.10/instances/2.25.4000.2/frames/1"), "string order");
      assertTrue(names.indexOf("studies/2.25.1000/series/2.25.2000.10/instances/2.25.4000.99/frames/1") < 0);
      assertTrue(names.get(1).startsWith("studies/2.25.1000/series/2.25.2000.10/"), "2.25.2000.10 < 2.25.2000.2");
    }
    assertEquals(new StudyArchiveWriter.Result(Files.size(zip), instances.size(), 1 + 5 + 4 + 3 + 3 + 12, 3), result);
    assertFalse(Files.exists(dir.resolve(zip.getFileName() + ".partial")));
  }

  @Test
  void framesAreTheSourceBytes() throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip)) {
      for (ArchiveInstance i : instances) {
        ArchiveChecks.assertFrames(archive, i);
      }
      // Bits Allocated 1, 9 bits a frame: frame 2 covers bits 9..17, so bytes 1 and 2.
      ArchiveInstance bits = instances.stream().filter(i -> ArchiveChecks.sop(i).equals("2.25.3000.3")).findFirst()
          .orElseThrow();
      byte[] pixels = TestFiles.pattern(6, 6);
      assertArrayEquals(new byte[] {pixels[1], pixels[2]}, bytes(archive.frame(ArchiveChecks.series(bits),
          "2.25.3000.3", 2)));
      // The encapsulated frame of two fragments is their concatenation.
      byte[] expected = new byte[60 + 2000];
      System.arraycopy(TestFiles.pattern(60, 9), 0, expected, 0, 60);
      System.arraycopy(TestFiles.pattern(2000, 10), 0, expected, 60, 2000);
      assertArrayEquals(expected, bytes(archive.frame(GeneratedStudy.SERIES_ENCAPSULATED, "2.25.3000.5", 2)));
    }
  }

  @Test
  void metadataHoldsTheSourceAttributesAndEveryUriNamesAnEntry() throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip)) {
      ArchiveChecks.assertUrisMatchEntries(archive);
      ArchiveChecks.assertMetadata(archive, instances, true);
      String json = new String(archive.metadataJson(), StandardCharsets.UTF_8);
      assertTrue(json.startsWith("[{\"00080005\":{\"vr\":\"CS\""), json.substring(0, 40));
      assertTrue(json.contains("\"BulkDataURI\":\"series/2.25.2000.3/instances/2.25.3000.5/frames\""));
    }
  }

  @Test
  void metadataIsGzipWithAFixedHeader() throws IOException {
    try (ZipFile z = ZipFile.builder().setPath(zip).get()) {
      byte[] gz = z.getInputStream(z.getEntry("studies/2.25.1000/metadata")).readAllBytes();
      assertEquals(0x1f, gz[0] & 0xFF);
      assertEquals(0x8b, gz[1] & 0xFF);
      assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(gz, 4, 8), "mtime 0");
      assertEquals(0, gz[3], "no name, no comment, no extra");
    }
  }

  @Test
  void contentTypesAndFraming() throws IOException {
    try (StudyArchive archive = StudyArchive.open(zip); ZipFile z = ZipFile.builder().setPath(zip).get()) {
      Multipart.Part jpeg = archive.frame(GeneratedStudy.SERIES_ENCAPSULATED, "2.25.3000.5", 1);
      assertEquals("image/jpeg", jpeg.mediaType());
      assertEquals(TestFiles.JPEG_BASELINE, jpeg.transferSyntax());
      jpeg.close();
      Multipart.Part rle = archive.frame(GeneratedStudy.SERIES_ENCAPSULATED, "2.25.3000.6", 3);
      assertEquals("image/dicom-rle", rle.mediaType());
      assertEquals(TestFiles.RLE, rle.transferSyntax());
      rle.close();
      String entry = "studies/2.25.1000/series/2.25.2000.2/instances/2.25.3000.2/frames/5";
      byte[] raw = z.getInputStream(z.getEntry(entry)).readAllBytes();
      String head = "--" + ArchiveLayout.BOUNDARY + "\r\nContent-Type: application/octet-stream; transfer-syntax="
          + LE + "\r\n\r\n";
      String tail = "\r\n--" + ArchiveLayout.BOUNDARY + "--\r\n";
      assertEquals(head, new String(raw, 0, head.length(), StandardCharsets.US_ASCII));
      assertEquals(tail, new String(raw, raw.length - tail.length(), tail.length(), StandardCharsets.US_ASCII));
      assertEquals(head.length() + 8 * 8 * 2 + tail.length(), raw.length);
      for (ZipArchiveEntry e : java.util.Collections.list(z.getEntries())) {
        assertEquals(ZipArchiveEntry.STORED, e.getMethod(), e.getName());
        assertEquals(0, e.getExtra() == null ? 0 : e.getExtra().length, e.getName());
        assertEquals(0, e.getCentralDirectoryExtra().length, e.getName());
        assertTrue(e.getGeneralPurposeBit().usesUTF8ForNames(), e.getName());
        assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
      }
    }
  }

  @Test
  void sameStudySameBytesInAnyTimeZone() throws IOException {
    byte[] first = Files.readAllBytes(zip);
    TimeZone saved = TimeZone.getDefault();
    try {
      for (String zone : List.of("UTC", "Pacific/Kiritimati", "America/St_Johns")) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        Path again = dir.resolve("again-" + zone.replace('/', '-') + ".zip");
        new StudyArchiveWriter().writeAtomically(STUDY, instances, again);
        assertArrayEquals(first, Files.readAllBytes(again), zone);
      }
    } finally {
      TimeZone.setDefault(saved);
    }
  }

  @Test
  void instancesMayBeGivenInAnyOrder() throws IOException {
    List<ArchiveInstance> reversed = new java.util.ArrayList<>(instances);
    java.util.Collections.reverse(reversed);
    Path again = dir.resolve("reversed.zip");
    new StudyArchiveWriter().writeAtomically(STUDY, reversed, again);
    assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(again));
  }

  @Test
  void systemUnzipTestsTheArchive() throws Exception {
    SystemTools.requireTool("unzip");
    Process p = new ProcessBuilder("unzip", "-t", zip.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("No errors detected"), out);
  }

  @Test
  void pythonZipfileReadsTheArchive() throws Exception {
    SystemTools.requireTool("python3");
    String script = String.join("\n",
        "import sys, zipfile",
        "z = zipfile.ZipFile(sys.argv[1])",
        "assert z.testzip() is None",
        "for i in z.infolist():",
        "    assert i.compress_type == zipfile.ZIP_STORED, i.filename",
        "    assert i.date_time == (1980, 1, 1, 0, 0, 0), i.filename",
        "    assert i.extra == b'', i.filename",
        "print('\\n'.join(z.namelist()))");
    Process p = new ProcessBuilder("python3", "-c", script, zip.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    try (StudyArchive archive = StudyArchive.open(zip)) {
      assertEquals(archive.entryNames(), out.lines().toList());
    }
  }

  @Test
  void unzippedTreeReadsLikeTheZip() throws IOException {
    Path tree = dir.resolve("tree");
    Unzip.extract(zip, tree);
    try (StudyArchive z = StudyArchive.open(zip); StudyArchive d = StudyArchive.open(tree)) {
      assertEquals(STUDY, d.studyUid());
      assertEquals(z.entryNames(), d.entryNames());
      assertArrayEquals(z.metadataJson(), d.metadataJson());
      for (ArchiveInstance i : instances) {
        ArchiveChecks.assertFrames(d, i);
      }
      ArchiveChecks.assertUrisMatchEntries(d);
      ArchiveChecks.assertMetadata(d, instances, true);
    }
  }

  @Test
  void aTreeOfSeveralStudiesNeedsTheStudyNamed() throws IOException {
    Path tree = dir.resolve("two-studies");
    Unzip.extract(zip, tree);
    ArchiveInstance other = TestFiles.read(TestFiles.write(dir, "other.dcm",
        TestFiles.instance("2.25.9", "2.25.91", "2.25.92"), org.pacsmigrate.format.p10.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        org.pacsmigrate.format.p10.BulkDataSource.none()));
    Path otherZip = dir.resolve("2.25.9.zip");
    new StudyArchiveWriter().writeAtomically("2.25.9", List.of(other), otherZip);
    Unzip.extract(otherZip, tree);
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> StudyArchive.open(tree));
    assertTrue(e.getMessage().contains("2 studies"), e.getMessage());
    try (StudyArchive a = StudyArchive.open(tree, "2.25.9"); StudyArchive b = StudyArchive.open(tree, STUDY)) {
      assertEquals(List.of("studies/2.25.9/metadata"), a.entryNames());
      assertEquals(1, a.instances(a.placeholderResolver()).size());
      assertEquals(instances.size(), b.instances(b.placeholderResolver()).size());
    }
  }

  @Test
  void reconciledMetadataIsPublishedWithTheSourcesValues() throws IOException {
    ArchiveInstance source = instances.stream().filter(i -> ArchiveChecks.sop(i).equals("2.25.3000.1")).findFirst()
        .orElseThrow();
    DataSet changed = new DataSet();
    source.metadata().elements().forEach(changed::put);
    changed.put(TestFiles.text(Tag.PatientName, org.pacsmigrate.format.dicom.VR.PN, "Roe^Richard"));
    changed.put(org.pacsmigrate.format.dicom.DicomElement.ofBytes(0x00091044, org.pacsmigrate.format.dicom.VR.OB,
        TestFiles.pattern(2000, 44)));
    ArchiveInstance reconciled = new ArchiveInstance(source.file(), changed, source.source());
    Path out = dir.resolve("reconciled.zip");
    StudyArchiveWriter.Result r = new StudyArchiveWriter().writeAtomically(STUDY, List.of(reconciled), out);
    assertEquals(3, r.bulkValues());
    try (StudyArchive archive = StudyArchive.open(out)) {
      DataSet published = archive.instances(archive.placeholderResolver()).get(0);
      assertEquals("Roe^Richard", published.asciiString(Tag.PatientName));
      ArchiveChecks.assertMetadata(archive, List.of(reconciled), true);
      ArchiveChecks.assertFrames(archive, reconciled);
    }
  }

  @Test
  void writeRefusesANonEmptyChannel() throws IOException {
    Path file = dir.resolve("not-empty.zip");
    Files.write(file, new byte[] {1});
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> new StudyArchiveWriter().write(STUDY, instances, ch));
    }
  }
}
