package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An independent parser, dcmtk's dcmdump, must read what the writer wrote without errors or warnings. */
class P10WriterDcmtkTest {
  private static final Path DCMDUMP = Path.of("/usr/bin/dcmdump");

  @TempDir
  Path dir;

  @BeforeAll
  static void needsDcmdump() {
    Assumptions.assumeTrue(Files.isExecutable(DCMDUMP),
        "SKIPPED: " + DCMDUMP + " not installed (apt-get install dcmtk); written files not checked by dcmtk");
  }

  @Test
  void explicitLittleEndianFileIsReadByDcmdump() throws Exception {
    WriterFixtures.FakeSource source = new WriterFixtures.FakeSource();
    Path file = WriterFixtures.write(dir, "all.dcm", null, WriterFixtures.everything(source),
        TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, source);
    String dump = dcmdump(file);
    assertTrue(dump.contains("(7fe0,0010) OW"), dump);
    assertTrue(dump.contains("(0009,1030) UN"), "long LT written as UN");
    assertTrue(dump.contains("(fffe,e0dd)"), "sequence delimiters present");
  }

  @Test
  void encapsulatedFileIsReadByDcmdump() throws Exception {
    WriterFixtures.FakeSource source = new WriterFixtures.FakeSource();
    Path file = WriterFixtures.write(dir, "jpeg.dcm", null, WriterFixtures.encapsulated(source),
        TransferSyntax.forUid(WriterFixtures.JPEG_BASELINE), source);
    String dump = dcmdump(file);
    assertTrue(dump.contains("(7fe0,0010) OB (PixelSequence #=4)"), dump);
    assertTrue(dump.contains("pi 00\\00\\00\\00\\b0\\00\\00\\00"), "offset table: " + dump);
  }

  /** +fo: a file without meta is an error; -dc: no silent repairs; +L: read every value to its end. */
  private static String dcmdump(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(DCMDUMP.toString(), "+fo", "-dc", "+L", "-Un", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dcmdump did not finish");
    List<String> problems = out.lines().filter(l -> l.matches("^[EFW]: .*")).toList();
    assertEquals(List.of(), problems, "dcmdump complained");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
