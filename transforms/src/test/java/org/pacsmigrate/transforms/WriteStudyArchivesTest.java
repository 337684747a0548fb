package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.StudyResult;

class WriteStudyArchivesTest {
  /** Results leave the pipeline through a static queue: the Direct runner runs in this JVM. */
  private static final ConcurrentLinkedQueue<StudyResult> RESULTS = new ConcurrentLinkedQueue<>();

  @TempDir Path dir;

  @Test
  void theZipDoesNotDependOnTheOrderTheRunnerGroupsInstancesIn() throws Exception {
    List<ParsedInstance> instances = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      instances.add(TestDicom.parse(TestDicom.write(dir.resolve("in/" + i + ".dcm"),
          TestDicom.image("1.2.3." + i, i))));
    }
    instances.add(TestDicom.parse(Files.copy(Path.of(instances.get(2).path()), dir.resolve("in/copy.dcm"))));
    StudyResult first = run(dir.resolve("out1"), instances);
    List<ParsedInstance> reversed = new ArrayList<>(instances);
    Collections.reverse(reversed);
    StudyResult second = run(dir.resolve("out2"), reversed);

    assertTrue(first.written());
    assertEquals(first.rows(), second.rows());
    assertEquals(5, first.rows().stream().filter(r -> r.outcome() == Outcome.ARCHIVED).count());
    ManifestRow dup = first.rows().stream().filter(r -> r.outcome() == Outcome.DUPLICATE).findFirst().orElseThrow();
    assertEquals("identical to " + dir.resolve("in/3.dcm"), dup.reason());
    String zip = "archive/" + TestDicom.STUDY + ".zip";
    assertArrayEquals(Files.readAllBytes(dir.resolve("out1").resolve(zip)),
        Files.readAllBytes(dir.resolve("out2").resolve(zip)));
  }

  @Test
  void aStudyThatCannotBeWrittenIsRejectedAndTheJobGoesOn() throws Exception {
    Path file = TestDicom.write(dir.resolve("in/1.dcm"), TestDicom.image("1.2.3.1", 1));
    ParsedInstance parsed = TestDicom.parse(file);
    Files.delete(file); // gone between listing and writing
    StudyResult result = run(dir.resolve("out"), List.of(parsed));
    assertFalse(result.written());
    ManifestRow row = result.rows().get(0);
    assertEquals(Outcome.REJECTED, row.outcome());
    assertTrue(row.reason().startsWith("study ZIP not written: "), row.reason());
    assertFalse(Files.exists(dir.resolve("out/archive/" + TestDicom.STUDY + ".zip")));
  }

  private static StudyResult run(Path out, List<ParsedInstance> instances) {
    RESULTS.clear();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(KV.of(TestDicom.STUDY, (Iterable<ParsedInstance>) instances))
            .withCoder(KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(ParsedInstanceCoder.of()))))
        .apply(SetAsideDuplicates.create())
        .apply(ReconcileStudies.withDefaults())
        .get(ReconcileStudies.STUDIES)
        .apply(WriteStudyArchives.to(ArchiveStore.under(out.toString())))
        .apply(ParDo.of(new DoFn<StudyResult, Void>() {
          @ProcessElement
          public void process(@Element StudyResult r) {
            RESULTS.add(r);
          }
        }));
    p.run().waitUntilFinish();
    assertEquals(1, RESULTS.size());
    return RESULTS.poll();
  }
}
