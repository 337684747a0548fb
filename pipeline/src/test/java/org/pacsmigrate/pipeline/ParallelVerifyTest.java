package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * {@code verify} on many threads says exactly what it says on one: the same lines in the same order, the same
 * counts; a study that fails among many is still reported, and the others still pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelVerifyTest {
  /** 60 studies of 1 to 4 instances, with the problem files of a real PACS (duplicates, damaged files). */
  private static final SamplePacs.Plan PLAN = new SamplePacs.Plan(60, 1, 2, 1, 2, 3, 3, 2, 2, 1, 7L);

  private Path input;
  private Path output;
  private List<ManifestRow> manifest;

  @BeforeAll
  void migrate(@TempDir Path work) throws IOException {
    input = work.resolve("pacs");
    output = work.resolve("out");
    SamplePacs.generate(input, PLAN);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--input=" + input, "--output=" + output},
        new PrintStream(console, true, StandardCharsets.UTF_8), new PrintStream(console, true, StandardCharsets.UTF_8));
    assertEquals(0, code, console.toString(StandardCharsets.UTF_8));
    manifest = VerifyCommand.readManifest(output.resolve("reports/manifest.csv").toString());
  }

  @Test
  void manyThreadsPrintWhatOneThreadPrints() throws IOException {
    Run one = verify(output, input, 1);
    Run many = verify(output, input, 8);
    assertEquals(0, one.code(), one.console());
    assertEquals(one.console(), many.console());
    assertEquals(0, many.code());

    // What the lines must be, from the manifest and the archive folder alone: one line per ZIP in name order.
    Map<String, Long> archivedPerStudy = manifest.stream().filter(r -> r.outcome() == Outcome.ARCHIVED)
        .collect(Collectors.groupingBy(ManifestRow::study, TreeMap::new, Collectors.counting()));
    List<String> expected = new ArrayList<>();
    for (String study : zipStudies(output)) {
      expected.add(study + " OK (" + archivedPerStudy.get(study) + " instances checked, 0 differ, 0 archived "
          + "without a source given)");
    }
    assertEquals(PLAN.studies(), expected.size());
    List<String> lines = many.console().lines().toList();
    assertTrue(lines.get(0).startsWith("manifest: " + manifest.size() + " rows"), lines.get(0));
    assertEquals(expected, lines.subList(1, lines.size() - 1));
    assertEquals("verify: 60 of 60 studies OK, 0 failure(s)", lines.get(lines.size() - 1));
  }

  @Test
  void aFailingStudyAmongManyIsReportedInItsPlaceAndTheOthersPass(@TempDir Path copy) throws IOException {
    Path out = copyTree(output, copy.resolve("out"));
    Path in = copyTree(input, copy.resolve("pacs"));
    // The copy's manifest names the original input's paths: point it at the copied sources.
    Path manifestFile = out.resolve("reports/manifest.csv");
    Files.writeString(manifestFile, Files.readString(manifestFile).replace(input.toString(), in.toString()));
    List<String> studies = zipStudies(out);
    String changed = studies.get(17);
    String damaged = studies.get(41);
    // One source changed after the migration (a pixel byte), one ZIP cut short.
    ManifestRow source = manifest.stream().filter(r -> r.outcome() == Outcome.ARCHIVED && r.study().equals(changed))
        .findFirst().orElseThrow();
    try (RandomAccessFile f = new RandomAccessFile(source.path().replace(input.toString(), in.toString()), "rw")) {
      f.seek(f.length() - 10);
      int b = f.read();
      f.seek(f.length() - 10);
      f.write(b ^ 0xFF);
    }
    Path zip = out.resolve("archive").resolve(damaged + ".zip");
    byte[] bytes = Files.readAllBytes(zip);
    Files.write(zip, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    Run one = verify(out, in, 1);
    Run many = verify(out, in, 8);
    assertEquals(one.console(), many.console());
    assertEquals(1, many.code());
    // A failed study's differences follow it on indented lines; the study lines are the others.
    List<String> lines = many.console().lines().filter(l -> !l.startsWith("  ")).toList();
    assertTrue(many.console().contains(": 7FE00010: frames differ"), "the changed frame is named");
    List<String> studyLines = lines.subList(1, 1 + studies.size());
    for (int i = 0; i < studies.size(); i++) {
      String line = studyLines.get(i);
      if (i == 17) {
        assertTrue(line.startsWith(changed + " FAILED (") && line.contains(" 1 differ"), line);
      } else if (i == 41) {
        assertTrue(line.startsWith("STUDY FAILED " + zip + ": cannot be read"), line);
      } else {
        assertTrue(line.startsWith(studies.get(i) + " OK ("), line);
      }
    }
    // A ZIP that cannot be read leaves its sources without a study, as it always did.
    long damagedSources = manifest.stream().filter(r -> r.outcome() == Outcome.ARCHIVED && r.study().equals(damaged))
        .count();
    assertEquals(List.of("STUDY FAILED " + damaged + ": " + damagedSources + " archived file(s) but no ZIP",
        "verify: 58 of 60 studies OK, 3 failure(s)"), lines.subList(1 + studies.size(), lines.size()));
  }

  private record Run(int code, String console) {}

  private static Run verify(Path out, Path in, int threads) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = VerifyCommand.verify(out.toString(), in.toString(), new PrintStream(bytes, true,
        StandardCharsets.UTF_8), threads);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
  }

  private static List<String> zipStudies(Path out) throws IOException {
    try (Stream<Path> zips = Files.list(out.resolve("archive"))) {
      return zips.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".zip") && !n.startsWith("."))
          .sorted().map(n -> n.substring(0, n.length() - ".zip".length())).toList();
    }
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
