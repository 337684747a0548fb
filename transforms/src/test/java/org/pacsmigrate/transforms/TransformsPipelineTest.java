package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.SourceOpener;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.io.HeaderDigest;
import org.pacsmigrate.transforms.model.DedupedStudy;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.MetadataOverlay;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.reconcile.Finding;

/**
 * Each transform the lean record goes through, on Beam's TestPipeline with PAssert (so the Direct runner's
 * immutability and encodability checks run every coder on every element).
 */
class TransformsPipelineTest {
  private static final String OTHER_STUDY = "1.2.826.0.1.3680043.10.543.2";
  private static final KvCoder<String, ParsedInstance> RECORD = KvCoder.of(StringUtf8Coder.of(),
      ParsedInstanceCoder.of());
  private static final KvCoder<String, Iterable<ParsedInstance>> GROUP = KvCoder.of(StringUtf8Coder.of(),
      IterableCoder.of(ParsedInstanceCoder.of()));

  @TempDir Path dir;

  private Path file(String name, DataSet ds) throws IOException {
    return TestDicom.write(dir.resolve("in").resolve(name), ds);
  }

  private static DataSet inStudy(DataSet ds, String study) {
    return ds.put(TestDicom.text(Tag.StudyInstanceUID, VR.UI, study));
  }

  @Test
  void parseHeadersKeysRecordsByStudyAndRejectsWhatItCannotArchive() throws Throwable {
    Path a = file("a.dcm", TestDicom.image("1.2.3.1", 1));
    Path b = file("b.dcm", inStudy(TestDicom.image("1.2.3.2", 2), OTHER_STUDY));
    Path text = Files.writeString(dir.resolve("in/notes.txt"), "not DICOM at all, only a note of some length");
    Path badUid = file("bad.dcm", TestDicom.image("1.2.03", 3));
    byte[] digestA = HeaderDigest.of(new P10Reader().read(a));
    String pathA = a.toString();
    long sizeA = a.toFile().length();
    long modifiedA = a.toFile().lastModified();
    String textPath = text.toString();
    String badUidPath = badUid.toString();
    BeamTests.run(p -> {
      PCollectionTuple out = p.apply(ListFiles.under(dir.resolve("in").toString())).get(ListFiles.FILES).apply(ParseHeaders.create());
      PAssert.that(out.get(ParseHeaders.PARSED)).satisfies(records -> {
        Map<String, ParsedInstance> bySop = new TreeMap<>();
        for (KV<String, ParsedInstance> kv : records) {
          assertEquals(kv.getKey(), kv.getValue().studyUid(), "keyed by its study");
          bySop.put(kv.getValue().sopInstanceUid(), kv.getValue());
        }
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), List.copyOf(bySop.keySet()));
        ParsedInstance r = bySop.get("1.2.3.1");
        assertEquals(pathA, r.path());
        assertEquals(sizeA, r.size());
        assertEquals(modifiedA, r.modified());
        assertEquals(TestDicom.SERIES, r.seriesUid());
        assertEquals("1.2.840.10008.5.1.4.1.1.4", r.sopClassUid());
        assertEquals("1.2.840.10008.1.2.1", r.transferSyntaxUid());
        assertArrayEquals(digestA, r.headerDigest());
        assertTrue(r.reconciliation().contains(Tag.PatientName));
        assertFalse(r.reconciliation().contains(Tag.PixelData), "no pixel data reference in the record");
        assertEquals(OTHER_STUDY, bySop.get("1.2.3.2").studyUid());
        return null;
      });
      PAssert.that(out.get(ParseHeaders.REJECTED)).satisfies(rejected -> {
        Map<String, RejectedFile> byPath = new TreeMap<>();
        rejected.forEach(r -> byPath.put(r.path(), r));
        assertEquals(List.of(badUidPath, textPath), List.copyOf(byPath.keySet()));
        assertTrue(byPath.get(textPath).reason().startsWith("not readable as DICOM"));
        assertEquals(TestDicom.STUDY, byPath.get(badUidPath).study());
        return null;
      });
    });
  }

  @Test
  void groupByStudyBringsEachStudysRecordsTogether() throws Throwable {
    List<KV<String, ParsedInstance>> records = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      ParsedInstance r = TestDicom.parse(file(i + ".dcm",
          i % 2 == 0 ? inStudy(TestDicom.image("1.2.3." + i, i), OTHER_STUDY) : TestDicom.image("1.2.3." + i, i)));
      records.add(KV.of(r.studyUid(), r));
    }
    BeamTests.run(p -> {
      PCollection<KV<String, Iterable<ParsedInstance>>> groups = p.apply(Create.of(records).withCoder(RECORD))
          .apply(GroupByStudy.create());
      PAssert.that(groups).satisfies(all -> {
        Map<String, List<ParsedInstance>> byStudy = new TreeMap<>();
        for (KV<String, Iterable<ParsedInstance>> g : all) {
          List<ParsedInstance> members = new ArrayList<>();
          g.getValue().forEach(members::add);
          members.sort(Comparator.comparing(ParsedInstance::path));
          byStudy.put(g.getKey(), members);
        }
        assertEquals(Map.of(TestDicom.STUDY, List.of(records.get(0).getValue(), records.get(2).getValue()),
            OTHER_STUDY, List.of(records.get(1).getValue(), records.get(3).getValue())), byStudy);
        return null;
      });
    });
  }

  @Test
  void setAsideDuplicatesKeepsOnePerSopInstanceAndSaysWhyForTheOthers() throws Throwable {
    ParsedInstance one = TestDicom.parse(file("a/1.dcm", TestDicom.image("1.2.3.1", 1)));
    ParsedInstance two = TestDicom.parse(file("a/2.dcm", TestDicom.image("1.2.3.2", 2)));
    ParsedInstance copy = TestDicom.parse(Files.copy(Path.of(one.path()), dir.resolve("in/b-copy.dcm")));
    ParsedInstance other = TestDicom.parse(file("c/2.dcm", TestDicom.image("1.2.3.2", 9)));
    DedupedStudy expected = new DedupedStudy(TestDicom.STUDY, List.of(one, two), List.of(
        new ManifestRow(copy.path(), copy.size(), Outcome.DUPLICATE, TestDicom.STUDY, "identical to " + one.path()),
        new ManifestRow(other.path(), other.size(), Outcome.DUPLICATE, TestDicom.STUDY,
            "conflicting duplicate of " + two.path() + " (1 attribute differs: 7FE00010)")));
    BeamTests.run(p -> {
      PCollection<DedupedStudy> out = p.apply(Create.of(KV.of(TestDicom.STUDY,
              (Iterable<ParsedInstance>) List.of(other, copy, two, one))).withCoder(GROUP))
          .apply(SetAsideDuplicates.create());
      PAssert.that(out).containsInAnyOrder(expected);
    });
  }

  @Test
  void reconcileStudiesSendsOnlyTheChangesOfEachChangedInstance() throws Throwable {
    List<ParsedInstance> kept = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      DataSet ds = TestDicom.image("1.2.3." + i, i);
      if (i == 3) {
        ds.put(TestDicom.text(0x00080050, VR.SH, "OTHER"));
      } else {
        ds.put(TestDicom.text(0x00080050, VR.SH, "ACC1"));
      }
      kept.add(TestDicom.parse(file(i + ".dcm", ds)));
    }
    BeamTests.run(p -> {
      PCollectionTuple out = p.apply(Create.of(new DedupedStudy(TestDicom.STUDY, kept, List.of()))
              .withCoder(DedupedStudy.Coder.of()))
          .apply(ReconcileStudies.withDefaults());
      PAssert.that(out.get(ReconcileStudies.STUDIES)).satisfies(studies -> {
        ReconciledStudy s = studies.iterator().next();
        assertFalse(s.held());
        assertEquals(List.of("1.2.3.3"), List.copyOf(s.metadata().keySet()));
        MetadataOverlay changed = s.metadata().get("1.2.3.3");
        assertEquals(List.of(0x00080050), changed.changed().elements().stream().map(e -> e.tag()).toList(),
            "only the changed attribute travels, not the data set");
        assertEquals(1, changed.audit().size());
        return null;
      });
      PAssert.that(out.get(ReconcileStudies.CONFLICTS)).satisfies(findings -> {
        List<String> attributes = StreamSupport.stream(findings.spliterator(), false).map(Finding::attribute)
            .toList();
        assertEquals(List.of("AccessionNumber"), attributes);
        return null;
      });
    });
  }

  @Test
  void writeStudyArchivesWritesWhatTheWholeHeadersWouldGiveAndRefusesAChangedSource() throws Throwable {
    List<ParsedInstance> kept = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      kept.add(TestDicom.parse(file(i + ".dcm", TestDicom.image("1.2.3." + i, i))));
    }
    ParsedInstance changing = TestDicom.parse(file("x/1.dcm", inStudy(TestDicom.image("1.2.4.1", 1), OTHER_STUDY)));
    ReconciledStudy good = new ReconciledStudy(new DedupedStudy(TestDicom.STUDY, kept, List.of()), false, "",
        Map.of());
    ReconciledStudy bad = new ReconciledStudy(new DedupedStudy(OTHER_STUDY, List.of(changing), List.of()), false,
        "", Map.of());
    // Rewritten after the parse with another value of the same length: same size, another header.
    DataSet rewritten = inStudy(TestDicom.image("1.2.4.1", 1), OTHER_STUDY);
    rewritten.put(TestDicom.text(Tag.PatientName, VR.PN, "TEST^PATIENU"));
    TestDicom.write(Path.of(changing.path()), rewritten);
    assertEquals(changing.size(), Files.size(Path.of(changing.path())));
    Path out = dir.resolve("out");
    BeamTests.run(p -> {
      PCollection<StudyResult> results = p.apply(Create.of(good, bad).withCoder(ReconciledStudy.Coder.of()))
          .apply(WriteStudyArchives.to(ArchiveStore.under(out.toString())));
      PAssert.that(results).satisfies(all -> {
        Map<String, StudyResult> byStudy = new TreeMap<>();
        all.forEach(r -> byStudy.put(r.studyUid(), r));
        StudyResult written = byStudy.get(TestDicom.STUDY);
        assertTrue(written.written());
        assertEquals(kept.stream().map(ParsedInstance::path).toList(),
            written.rows().stream().map(ManifestRow::path).toList());
        StudyResult refused = byStudy.get(OTHER_STUDY);
        assertFalse(refused.written());
        ManifestRow row = refused.rows().get(0);
        assertEquals(Outcome.REJECTED, row.outcome());
        assertTrue(row.reason().contains("changed since its header was read"), row.reason());
        return null;
      });
    });
    // The ZIP is the one the whole headers give, as before the lean record.
    List<ArchiveInstance> whole = new ArrayList<>();
    for (ParsedInstance k : kept) {
      whole.add(new ArchiveInstance(new P10Reader().read(Path.of(k.path())), SourceOpener.of(Path.of(k.path()))));
    }
    Path reference = dir.resolve("reference.zip");
    new StudyArchiveWriter().writeAtomically(TestDicom.STUDY, whole, reference);
    assertArrayEquals(Files.readAllBytes(reference),
        Files.readAllBytes(out.resolve("archive/" + TestDicom.STUDY + ".zip")));
    assertFalse(Files.exists(out.resolve("archive/" + OTHER_STUDY + ".zip")));
  }
}
