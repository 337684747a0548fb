package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.io.SourcePaths;

/** verify's own count against manifests that are right, short, doubled or padded. */
class SourceCountTest {
  @TempDir Path dir;

  @Test
  void aManifestWithEveryEntryOncePasses() throws Exception {
    String root = tree();
    assertEquals(0, check(rows(root)).failures, "as the job writes it");
  }

  /** Before: verify matched the input with the job's own glob, which lost the same names as the job. */
  @Test
  void aMissingEntryFailsAndIsNamed() throws Exception {
    String root = tree();
    List<ManifestRow> rows = rows(root);
    rows.removeIf(r -> r.path().endsWith("/caf%E9.dcm"));
    Result r = check(rows);
    assertEquals(1, r.failures);
    assertTrue(r.console.contains("MANIFEST FAILED manifest: 4 rows for 5 files under the input"), r.console);
    assertTrue(r.console.contains("missing: " + root + "/M%FCller/caf%E9.dcm"), r.console);
  }

  @Test
  void aRowTwiceOrARowForNothingFails() throws Exception {
    String root = tree();
    List<ManifestRow> twice = rows(root);
    twice.add(twice.get(0));
    Result r = check(twice);
    assertEquals(1, r.failures);
    assertTrue(r.console.contains("1 listed more than once"), r.console);

    List<ManifestRow> extra = rows(root);
    extra.add(new ManifestRow(root + "/invented.dcm", 1, Outcome.ARCHIVED, "1.2", ""));
    r = check(extra);
    assertEquals(1, r.failures);
    assertTrue(r.console.contains("not under the input: " + root + "/invented.dcm"), r.console);
  }

  /** A link to a folder without a row of its own was followed: its files are counted under the link's path. */
  @Test
  void aFollowedLinkIsCountedThroughAndALoopWithoutARowIsMissing() throws Exception {
    String root = tree();
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("o.dcm"), "o");
    Files.createSymbolicLink(Path.of(SourcePaths.toPath(root).toString()).resolve("out"), outside);
    List<ManifestRow> rows = rows(root);
    rows.add(new ManifestRow(root + "/out/o.dcm", 1, Outcome.ARCHIVED, "1.2", ""));
    assertEquals(0, check(rows).failures);

    Files.createSymbolicLink(SourcePaths.toPath(root + "/sub-loop"), Path.of("."));
    Result r = check(rows);
    assertEquals(1, r.failures, r.console);
    assertTrue(r.console.contains("missing: " + root + "/sub-loop"), r.console);
    rows.add(new ManifestRow(root + "/sub-loop", 0, Outcome.REJECTED, "", "symbolic link to .: a loop"));
    assertEquals(0, check(rows).failures);
  }

  /** in/: a.dcm, new\nline.dcm, M\xfcller/caf\xe9.dcm, a FIFO, a link not followed. */
  private String tree() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    String root = SourcePaths.of(in);
    for (String name : List.of("/a.dcm", "/new%0Aline.dcm", "/M%FCller/caf%E9.dcm")) {
      Path p = SourcePaths.toPath(root + name);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
    assertEquals(0, new ProcessBuilder("mkfifo", in.resolve("fifo").toString()).start().waitFor());
    Files.createSymbolicLink(in.resolve("link"), Path.of("a.dcm"));
    return root;
  }

  private static List<ManifestRow> rows(String root) {
    List<ManifestRow> rows = new ArrayList<>();
    for (String name : List.of("/a.dcm", "/new%0Aline.dcm", "/M%FCller/caf%E9.dcm", "/fifo", "/link")) {
      rows.add(new ManifestRow(root + name, 1, Outcome.REJECTED, "", "test"));
    }
    return rows;
  }

  private record Result(int failures, String console) {}

  private Result check(List<ManifestRow> rows) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failures = SourceCount.check(rows, dir.resolve("in").toString(), new PrintStream(bytes, true,
        StandardCharsets.UTF_8));
    return new Result(failures, bytes.toString(StandardCharsets.UTF_8));
  }
}
