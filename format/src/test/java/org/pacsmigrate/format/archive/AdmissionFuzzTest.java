package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.corpus.Corpus;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;

/**
 * Issue 10, unit level: seeded mutations of every corpus file (truncations, byte flips, 16- and 32-bit field
 * edits) through the reader, the frame locator and {@link ArchiveAdmission}. The reader may refuse a file only
 * with a {@link DicomParseException}; the admission check never throws; and whatever it admits is archived
 * alone, then verifies whole against its source and exports. {@code -Dfuzz.seed=N} changes the set.
 */
class AdmissionFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
  private static final int PER_FILE = 20;

  @TempDir Path dir;

  @Test
  void whatIsAdmittedIsArchivedWholeAndTheRestIsRefusedWithAReason() throws IOException {
    Random random = new Random(SEED);
    int admitted = 0;
    int refused = 0;
    List<String> problems = new ArrayList<>();
    for (Path file : Corpus.files()) {
      byte[] original = Files.readAllBytes(file);
      if (original.length < 200) {
        continue;
      }
      for (int k = 0; k < PER_FILE; k++) {
        byte[] bytes = mutate(original, random, k);
        Path mutant = dir.resolve("m.dcm");
        Files.write(mutant, bytes);
        String name = file.getFileName() + "#" + k;
        DicomFile parsed;
        try {
          parsed = new P10Reader().read(mutant);
        } catch (DicomParseException e) {
          refused++;
          continue;
        } catch (IOException | RuntimeException e) {
          problems.add(name + ": the reader threw " + e);
          continue;
        }
        String problem;
        try (FileChannel ch = FileChannel.open(mutant)) {
          FrameLocator.locate(parsed);
          problem = ArchiveAdmission.problem(parsed, ch);
        } catch (DicomParseException e) {
          refused++;
          continue;
        } catch (RuntimeException e) {
          problems.add(name + ": the admission check threw " + e);
          continue;
        }
        if (problem != null) {
          refused++;
          continue;
        }
        admitted++;
        String study = parsed.dataSet().asciiString(Tag.StudyInstanceUID);
        Path zip = dir.resolve("m.zip");
        try {
          new StudyArchiveWriter().writeAtomically(study, List.of(new ArchiveInstance(parsed,
              SourceOpener.of(mutant))), zip);
          try (StudyArchive archive = StudyArchive.open(zip)) {
            ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(dir.resolve("work")).verify(archive,
                List.of(mutant));
            if (!verdict.ok()) {
              problems.add(name + ": admitted but does not verify: " + verdict.details());
            }
            ArchiveExporter.Result exported = new ArchiveExporter().exportEach(archive, null, dir.resolve("x"));
            if (exported.written().size() != 1) {
              problems.add(name + ": admitted but does not export: " + exported.failures());
            }
            for (Path p : exported.written()) {
              Files.delete(p);
            }
          }
        } catch (IOException | RuntimeException e) {
          problems.add(name + ": admitted but not archivable: " + e);
        } finally {
          Files.deleteIfExists(zip);
        }
      }
    }
    System.out.println("AdmissionFuzzTest: seed " + SEED + ", " + admitted + " admitted, " + refused + " refused");
    assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n",
        problems.subList(0, Math.min(30, problems.size()))));
    assertTrue(admitted > 100 && refused > 100, admitted + " admitted, " + refused + " refused");
  }

  private static byte[] mutate(byte[] original, Random random, int k) {
    byte[] b = original.clone();
    switch (k % 4) {
      case 0 -> {
        return Arrays.copyOf(b, 132 + random.nextInt(b.length - 132));
      }
      case 1 -> {
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
          b[132 + random.nextInt(b.length - 132)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case 2 -> {
        int at = 132 + random.nextInt(b.length - 136);
        long[] values = {0, 1, 2, 3, 0xFFFF, 0xFFFFFFFFL, 0x7FFFFFFFL, random.nextInt(1 << 16)};
        long v = values[random.nextInt(values.length)];
        int width = random.nextBoolean() ? 2 : 4;
        for (int i = 0; i < width; i++) {
          b[at + i] = (byte) (v >>> (8 * i));
        }
      }
      default -> {
        // A flip in the first kilobyte, where the meta and the identifying attributes are.
        int limit = Math.min(b.length, 1024);
        b[132 + random.nextInt(limit - 132)] ^= (byte) (1 + random.nextInt(255));
      }
    }
    return b;
  }
}
