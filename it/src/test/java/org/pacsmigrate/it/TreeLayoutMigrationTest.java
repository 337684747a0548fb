package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.SamplePacs;

/**
 * {@code --layout=tree} into a local folder: the study ZIPs' entries as files at their WADO-RS paths, byte for
 * byte the entries of a {@code --layout=zip} run of the same input, which {@code verify} checks as it checks
 * ZIPs. A rerun into the same folder gives the same tree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TreeLayoutMigrationTest {
  private Path input;
  private List<SamplePacs.GeneratedFile> generated;
  private MigrationOutput zip;
  private MigrationOutput tree;

  @BeforeAll
  void migrateInBothLayouts(@TempDir Path work) throws Exception {
    input = work.resolve("pacs");
    generated = SamplePacs.generate(input, CloudStorageMigrationTest.PLAN);
    zip = MigrationOutput.migrate(input, work.resolve("zip"));
    Path out = work.resolve("tree");
    tree = MigrationOutput.read(out, MigrationOutput.run("--input=" + input, "--output=" + out, "--layout=tree"));
  }

  @Test
  void theTreeIsTheZipsUnzippedAndNothingElse() throws Exception {
    Map<String, byte[]> files = TreeLayout.files(tree);
    TreeLayout.assertSame(TreeLayout.zipEntries(zip), files);
    TreeLayout.countsAddUp(tree, files);
    assertTrue(files.keySet().stream().noneMatch(n -> n.endsWith(".zip") || n.endsWith(".partial")));
  }

  @Test
  void theManifestIsTheSameAsInTheZipLayout() throws Exception {
    MigrationChecks.everyFileOnce(input, tree);
    MigrationChecks.generatedOutcomes(generated, CloudStorageMigrationTest.PLAN, tree);
    assertEquals(new java.util.HashSet<>(zip.rows()), new java.util.HashSet<>(tree.rows()));
  }

  @Test
  void verifyReadsTheTree() {
    MigrationChecks.verifyPasses(tree, input);
  }

  @Test
  void aRerunIntoTheSameFolderGivesTheSameTree() throws Exception {
    Map<String, byte[]> before = TreeLayout.files(tree);
    Path out = tree.dir();
    MigrationOutput again = MigrationOutput.read(out, MigrationOutput.run("--input=" + input, "--output=" + out,
        "--layout=tree"));
    TreeLayout.assertSame(before, TreeLayout.files(again));
    assertTrue(Files.isDirectory(out.resolve("archive/studies")));
  }
}
