package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.io.ArchiveStore.Layout;
import org.pacsmigrate.transforms.gcs.FailingUploadStorage;
import org.pacsmigrate.transforms.gcs.InMemoryStorage;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reports.WriteReportFile;

/**
 * Who is to blame when a study cannot be written: a source that cannot be read rejects the study's files (with
 * the reason) and the job goes on; an output that cannot be written (a folder that is a file, a refused upload,
 * a report folder that cannot be written) fails the run with an {@link OutputWriteException} naming the output,
 * and never turns a good source into {@code rejected}. In both layouts, local and gs://.
 */
class OutputFailureTest {
  @TempDir Path dir;

  private List<ParsedInstance> study(int n) throws IOException {
    List<ParsedInstance> instances = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      instances.add(TestDicom.parse(TestDicom.write(dir.resolve("in/" + i + ".dcm"),
          TestDicom.image("1.2.3." + i, i))));
    }
    return instances;
  }

  private static PCollection<StudyResult> write(Pipeline p, List<ParsedInstance> instances, ArchiveStore store) {
    return p.apply(Create.of(KV.of(TestDicom.STUDY, (Iterable<ParsedInstance>) instances))
            .withCoder(KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(ParsedInstanceCoder.of()))))
        .apply(SetAsideDuplicates.create())
        .apply(ReconcileStudies.withDefaults())
        .get(ReconcileStudies.STUDIES)
        .apply(WriteStudyArchives.to(store));
  }

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
  }

  /** The run's failure, which must be an output failure. */
  private static OutputWriteException outputFailure(Pipeline p) {
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    return assertInstanceOf(OutputWriteException.class, OutputWriteException.find(e), e.toString());
  }

  @Test
  void aSourceGoneSinceListingRejectsItsStudyWithTheReason() throws IOException {
    List<ParsedInstance> instances = study(2);
    Files.delete(Path.of(instances.get(1).path()));
    Pipeline p = pipeline();
    PCollection<StudyResult> results = write(p, instances, ArchiveStore.under(dir.resolve("out").toString()));
    PAssert.that(results).satisfies(all -> {
      StudyResult r = all.iterator().next();
      assertFalse(r.written());
      assertEquals(2, r.rows().size());
      for (ManifestRow row : r.rows()) {
        assertEquals(Outcome.REJECTED, row.outcome(), row.toString());
        assertTrue(row.reason().startsWith("study ZIP not written: ") && row.reason().contains("2.dcm"),
            row.reason());
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void aSourceTruncatedSinceListingRejectsItsStudy() throws IOException {
    List<ParsedInstance> instances = study(2);
    Path file = Path.of(instances.get(0).path());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100)); // the pixel data cut short
    Pipeline p = pipeline();
    PCollection<StudyResult> results = write(p, instances, ArchiveStore.under(dir.resolve("out").toString()));
    PAssert.that(results).satisfies(all -> {
      for (ManifestRow row : all.iterator().next().rows()) {
        assertEquals(Outcome.REJECTED, row.outcome(), row.toString());
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void anArchiveFolderThatCannotBeCreatedFailsTheRunInBothLayouts() throws IOException {
    List<ParsedInstance> instances = study(2);
    for (Layout layout : Layout.values()) {
      Path out = dir.resolve("out-" + layout);
      Files.createDirectories(out);
      Files.writeString(out.resolve("archive"), "a file where the archive folder goes");
      Pipeline p = pipeline();
      write(p, instances, ArchiveStore.under(out.toString(), layout, InMemoryStorage.class));
      OutputWriteException e = outputFailure(p);
      assertTrue(e.location().startsWith(out.resolve("archive").toString()), layout + ": " + e.getMessage());
      assertNoPartialFiles(out);
    }
  }

  @Test
  void aRefusedUploadFailsTheRunInBothLayouts() throws IOException {
    List<ParsedInstance> instances = study(2);
    for (Layout layout : Layout.values()) {
      String out = "gs://output-failure-test/" + layout.name().toLowerCase() + "/";
      Pipeline p = pipeline();
      write(p, instances, ArchiveStore.under(out, layout, FailingUploadStorage.class));
      OutputWriteException e = outputFailure(p);
      assertTrue(e.getMessage().startsWith(out + "archive/"), e.getMessage());
      assertTrue(e.getMessage().contains("quota"), e.getMessage());
    }
  }

  @Test
  void reportsThatCannotBeWrittenFailTheRunAndLeaveNoTemporaryFiles() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("reports/manifest.csv/occupied")); // a folder where the report goes
    Pipeline p = pipeline();
    PCollectionTuple.of(Reports.REJECTED,
            p.apply("Rejected", Create.of(new RejectedFile("/in/a.txt", 1, "", "not DICOM"))
                .withCoder(RejectedFile.Coder.of())))
        .and(Reports.STUDIES, p.apply("Studies", Create.empty(StudyResult.Coder.of())))
        .apply(Reports.to(out.toString(), 0));
    OutputWriteException e = outputFailure(p);
    assertEquals(Reports.manifestPath(out.toString()), e.location());
    assertNoPartialFiles(out);
    try (Stream<Path> s = Files.list(out.resolve("reports"))) {
      assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".temp-beam")), "no .temp-beam folder");
    }
  }

  @Test
  void aReportOfNoLinesIsItsHeaderAlone() throws IOException {
    Path file = dir.resolve("reports/empty.csv");
    Pipeline p = pipeline();
    p.apply(Create.empty(StringUtf8Coder.of())).apply(WriteReportFile.to(file.toString()).withHeader("a,b"));
    p.run().waitUntilFinish();
    assertEquals("a,b\n", Files.readString(file));
    assertNoPartialFiles(dir);
  }

  static void assertNoPartialFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> partial = s.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
      assertEquals(List.of(), partial);
    }
  }
}
