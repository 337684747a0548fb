package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.pipeline.SamplePacs;

/**
 * The pipeline jar on Apache Flink, embedded ({@code --flinkMaster=[local]}) and on a real standalone session
 * cluster started for the test, against the Direct runner on the same generated PACS (a few hundred files):
 * the end-to-end checks hold on each, and the study ZIPs are byte-identical to the Direct runner's. Every run is
 * {@code java -jar dicomweb-migrate.jar} in a JVM of its own, as an operator runs it; the wall times (JVM start
 * to exit) are printed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class FlinkMigrationTest {
  private static final SamplePacs.Plan PLAN = GeneratedPacsMigrationTest.PLAN;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  private static final int SLOTS = 2;

  private Path work;
  private Path input;
  private List<SamplePacs.GeneratedFile> generated;
  private MigrationOutput direct;
  private final Map<String, PipelineJar.Run> runs = new LinkedHashMap<>();

  @BeforeAll
  void migrateOnTheDirectRunner(@TempDir Path work) throws Exception {
    this.work = work;
    input = work.resolve("pacs");
    generated = SamplePacs.generate(input, PLAN);
    direct = migrate("Direct runner", "direct");
  }

  @AfterAll
  void printWallTimes() {
    StringBuilder b = new StringBuilder("Wall times, java -jar start to exit, " + generated.size()
        + " generated files (" + Runtime.getRuntime().availableProcessors() + " cores):\n");
    runs.forEach((name, run) -> b.append(String.format(Locale.ROOT, "  %-28s %6.1f s%n", name,
        run.wall().toMillis() / 1000.0)));
    System.out.print(b);
  }

  private MigrationOutput migrate(String name, String folder, String... options) throws Exception {
    Path output = work.resolve(folder);
    String[] args = new String[options.length + 2];
    args[0] = "--input=" + input;
    args[1] = "--output=" + output;
    System.arraycopy(options, 0, args, 2, options.length);
    PipelineJar.Run run = PipelineJar.run(work.resolve(folder + ".log"), RUN_TIMEOUT, args);
    runs.put(name, run);
    return MigrationOutput.read(output, run.console());
  }

  /** The checks every Flink run must pass. */
  abstract class OnFlink {
    MigrationOutput out;

    abstract MigrationOutput migrate() throws Exception;

    @BeforeAll
    void run() throws Exception {
      out = migrate();
    }

    @Test
    void everyFileIsInTheManifestOnceWithTheOutcomeItMustHave() throws Exception {
      MigrationChecks.everyFileOnce(input, out);
      MigrationChecks.generatedOutcomes(generated, PLAN, out);
      MigrationChecks.duplicatesNameTheKeptFile(out);
    }

    @Test
    void countsAddUp() throws Exception {
      MigrationChecks.countsAddUp(out);
    }

    @Test
    void everyArchivedInstanceIsInItsStudyZip() throws Exception {
      MigrationChecks.everyArchivedInstanceInItsZip(out);
    }

    @Test
    void theStudyZipsAreByteIdenticalToTheDirectRunners() throws Exception {
      MigrationChecks.sameArchives(direct, out);
    }

    @Test
    void verifyPassesForEveryStudy() {
      MigrationChecks.verifyPasses(out, input);
    }
  }

  @Nested
  @Order(1)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class EmbeddedFlink extends OnFlink {
    @Override
    MigrationOutput migrate() throws Exception {
      return FlinkMigrationTest.this.migrate("Flink, embedded", "flink-embedded", "--runner=FlinkRunner",
          "--flinkMaster=[local]");
    }
  }

  @Nested
  @Order(2)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class StandaloneCluster extends OnFlink {
    @Override
    MigrationOutput migrate() throws Exception {
      // The cluster lives only as long as the run: it is stopped before any check can fail.
      try (FlinkCluster cluster = FlinkCluster.start(work.resolve("cluster"), SLOTS)) {
        MigrationOutput out;
        try {
          out = FlinkMigrationTest.this.migrate("Flink, standalone cluster", "flink-cluster",
              "--runner=FlinkRunner", "--flinkMaster=" + cluster.master(), "--parallelism=" + SLOTS);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
        }
        // The job ran there, not in the launcher: the cluster counts it as finished.
        JsonNode overview = cluster.overview();
        assertEquals(1, overview.path("jobs-finished").asInt(), overview.toString());
        assertEquals(0, overview.path("jobs-failed").asInt(), overview.toString());
        assertTrue(out.console().contains("(FlinkRunner)"), out.console());
        return out;
      }
    }
  }
}
