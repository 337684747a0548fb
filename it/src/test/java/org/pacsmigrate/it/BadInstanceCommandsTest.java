package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.SourceOpener;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.pipeline.Main;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Issue 10, finding 4: an output that holds an instance export cannot write (an archive made before the job
 * refused such files: here, no SOP Class UID). {@code export} writes the others, names the bad one and exits 1;
 * {@code verify} checks every study, names the file, and ends with its summary line and exit code 1. Before,
 * export stopped at the bad instance and verify died with a stack trace.
 */
class BadInstanceCommandsTest {
  private static final String A = "1.2.826.0.1.3680043.10.543.901";
  private static final String B = "1.2.826.0.1.3680043.10.543.902";

  @TempDir Path dir;

  private Path source(Path input, String study, String sop, boolean withClass) throws IOException {
    DataSet ds = new DataSet();
    if (withClass) {
      ds.put(text(Tag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7"));
    }
    ds.put(text(Tag.SOPInstanceUID, sop));
    ds.put(text(Tag.StudyInstanceUID, study));
    ds.put(text(Tag.SeriesInstanceUID, study + ".1"));
    ds.put(DicomElement.ofBytes(Tag.PatientName, VR.PN, "BAD^INSTANCE".getBytes(StandardCharsets.US_ASCII)));
    DataSet meta = new DataSet();
    meta.put(text(Tag.MediaStorageSOPClassUID, "1.2.840.10008.5.1.4.1.1.7"));
    Path file = Files.createDirectories(input).resolve(sop + ".dcm");
    try (OutputStream out = Files.newOutputStream(file)) {
      new P10Writer().write(meta, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    }
    return file;
  }

  private static DicomElement text(int tag, String uid) {
    String v = uid.length() % 2 == 1 ? uid + "\0" : uid;
    return DicomElement.ofBytes(tag, VR.UI, v.getBytes(StandardCharsets.US_ASCII));
  }

  private static int run(StringBuilder console, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Main.run(args, out, out);
    console.append(bytes.toString(StandardCharsets.UTF_8));
    System.out.print(console);
    return code;
  }

  @Test
  void exportAndVerifyReportTheBadInstanceAndGoOn() throws IOException {
    Path input = dir.resolve("input");
    Path output = dir.resolve("output");
    Map<String, List<Path>> studies = new TreeMap<>();
    studies.put(A, List.of(source(input, A, A + ".1.1", true), source(input, A, A + ".1.2", false),
        source(input, A, A + ".1.3", true)));
    studies.put(B, List.of(source(input, B, B + ".1.1", true)));
    List<String> manifest = new ArrayList<>(List.of(ManifestRow.CSV_HEADER));
    for (Map.Entry<String, List<Path>> s : studies.entrySet()) {
      List<ArchiveInstance> instances = new ArrayList<>();
      for (Path f : s.getValue()) {
        instances.add(new ArchiveInstance(new P10Reader().read(f), SourceOpener.of(f)));
        manifest.add(new ManifestRow(f.toString(), Files.size(f), Outcome.ARCHIVED, s.getKey(), "").toCsv());
      }
      new StudyArchiveWriter().writeAtomically(s.getKey(), instances,
          output.resolve("archive").resolve(s.getKey() + ".zip"));
    }
    Files.createDirectories(output.resolve("reports"));
    Files.writeString(output.resolve("reports/manifest.csv"), String.join("\r\n", manifest) + "\r\n");

    StringBuilder exported = new StringBuilder();
    Path exportDir = dir.resolve("export");
    int code = run(exported, "export", "--archive=" + output.resolve("archive").resolve(A + ".zip"),
        "--output=" + exportDir);
    assertEquals(1, code, exported.toString());
    assertTrue(exported.toString().contains("EXPORT FAILED instance \"" + A + ".1.2\""), exported.toString());
    assertTrue(exported.toString().contains("exported 2 file(s)"), exported.toString());
    assertTrue(Files.exists(exportDir.resolve(A + ".1.3.dcm")), "the instance after the bad one is written");
    assertFalse(Files.exists(exportDir.resolve(A + ".1.2.dcm")), "no partial file of the bad one");

    StringBuilder verified = new StringBuilder();
    code = run(verified, "verify", "--archive=" + output, "--input=" + input);
    String console = verified.toString();
    assertEquals(1, code, console);
    assertTrue(console.contains(A + ".1.2.dcm: archived, but now no SOP Class UID (0008,0016)"), console);
    assertTrue(console.contains(B + " OK"), "the study after the bad one is checked: " + console);
    assertTrue(console.contains("  " + A + ".1.2: archived, but no source given for it"), console);
    List<String> lines = console.lines().toList();
    assertTrue(lines.get(lines.size() - 1).startsWith("verify: 1 of 2 studies OK"), console);
  }
}
