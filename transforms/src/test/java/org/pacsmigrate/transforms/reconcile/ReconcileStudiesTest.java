package org.pacsmigrate.transforms.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_BIRTH_DATE;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.PATIENT_ID;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.STUDY_DESCRIPTION;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.instance;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.set;
import static org.pacsmigrate.transforms.reconcile.StudyFiles.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.io.ArchiveStore;
import org.pacsmigrate.transforms.ConflictReports;
import org.pacsmigrate.transforms.reports.Csv;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.ReconcileStudies;
import org.pacsmigrate.transforms.SetAsideDuplicates;
import org.pacsmigrate.transforms.model.StudyResult;
import org.pacsmigrate.transforms.WriteStudyArchives;

/** ReconcileStudies in a pipeline (Direct runner): held studies, warnings, cross-study findings, the reports. */
class ReconcileStudiesTest {
  private static final ConcurrentLinkedQueue<StudyResult> RESULTS = new ConcurrentLinkedQueue<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Study 1: two PatientIDs (held). Study 2: a StudyDescription conflict. Study 3: P1 with another birth date. */
  private Map<String, List<ParsedInstance>> studies() throws Exception {
    Map<String, List<ParsedInstance>> studies = new TreeMap<>();
    for (int s = 1; s <= 3; s++) {
      List<ParsedInstance> files = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        DataSet ds = instance(s, 1, i, "10000" + i);
        if (s == 1 && i == 3) {
          set(ds, PATIENT_ID, VR.LO, "P9");
        }
        if (s == 2) {
          set(ds, STUDY_DESCRIPTION, VR.LO, i == 3 ? "HEAD <b>&amp;</b> NECK" : "HEAD");
        }
        if (s == 3) {
          set(ds, PATIENT_BIRTH_DATE, VR.DA, "19700102");
        }
        files.add(StudyFiles.write(dir.resolve("in/" + s + "/" + i + ".dcm"), ds));
      }
      studies.put(study(s), files);
    }
    return studies;
  }

  @Test
  void heldStudiesAreNotArchivedAndEveryFindingIsReported() throws Exception {
    Path out = dir.resolve("out");
    run(studies(), out, Resolutions.NONE);
    Map<String, StudyResult> results = new TreeMap<>();
    RESULTS.forEach(r -> results.put(r.studyUid(), r));
    assertEquals(3, results.size());

    StudyResult held = results.get(study(1));
    assertFalse(held.written());
    for (ManifestRow row : held.rows()) {
      assertEquals(Outcome.HELD, row.outcome());
      assertTrue(row.reason().startsWith("held: identity conflict in PatientID (0010,0020)"), row.reason());
    }
    assertFalse(Files.exists(out.resolve("archive/" + study(1) + ".zip")));
    assertTrue(Files.exists(out.resolve("archive/" + study(2) + ".zip")));
    assertTrue(Files.exists(out.resolve("archive/" + study(3) + ".zip")));

    JsonNode conflicts = JSON.readTree(Files.readString(Path.of(ConflictReports.path(out.toString(),
        "conflicts.json"))));
    assertEquals(3, conflicts.size());
    assertEquals(List.of(study(1) + " patient PatientID blocking", study(2) + " study StudyDescription warning",
        "P1 cross-study PatientBirthDate warning"), summaries(conflicts));
    JsonNode cross = conflicts.get(2);
    assertEquals("00100030", cross.get("tag").asText());
    assertTrue(cross.get("chosen").isNull());
    assertEquals(study(3), cross.get("values").get(1).get("studies").get(0).asText());
    JsonNode description = conflicts.get(1);
    assertEquals("HEAD", description.get("chosen").asText());
    assertEquals(2, description.get("values").get(0).get("instances").asInt());

    List<String> csv = Csv.records(Files.readString(Path.of(ConflictReports.path(out.toString(), "conflicts.csv"))));
    assertEquals(ConflictReport.CSV_HEADER, csv.get(0));
    assertEquals(1 + 2 + 2 + 2, csv.size(), "one row per finding and value");

    List<String> template = Csv.records(Files.readString(Path.of(ConflictReports.path(out.toString(),
        "resolutions-template.csv"))));
    assertEquals(List.of(Resolutions.HEADER, study(1) + ",PatientID,P1,,,", study(2) + ",StudyDescription,HEAD,,,"),
        template);

    String html = Files.readString(Path.of(ConflictReports.path(out.toString(), "conflicts.html")));
    assertTrue(html.contains("<span class=\"n\" id=\"count-blocking\">1</span>"), html);
    assertTrue(html.contains("<span class=\"n\" id=\"count-warning\">2</span>"));
    assertTrue(html.contains("<span class=\"n\" id=\"count-held\">1</span>"));
    assertTrue(html.contains("Contains patient data"));
    assertTrue(html.contains("HEAD \\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e NECK"),
        "values are data, escaped for the script element (the page sets them as text)");
    assertFalse(html.contains("<b>&amp;</b>"));
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="),
        "no external resource");
  }

  @Test
  void aResolutionThatMatchesNoFindingFailsTheJobBeforeAnythingIsArchived() throws Exception {
    Path out = dir.resolve("out");
    Resolutions resolutions = Resolutions.parse(Resolutions.HEADER + "\n"
        + study(1) + ",PatientID,P1,Dr Who,,\n"
        + study(7) + ",PatientID,P1,Dr Who,,\n"
        + study(2) + ",PatientSex,F,Dr Who,,\n", "decisions.csv", ReconciliationRules.standard());
    Throwable e = assertThrows(RuntimeException.class, () -> run(studies(), out, resolutions));
    ResolutionsException cause = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResolutionsException r) {
        cause = r;
      }
    }
    assertNotNull(cause, e.toString());
    assertEquals("the resolutions file decisions.csv does not match the findings, so nothing was archived; correct "
        + "these rows (or start again from reports/resolutions-template.csv): line 3 (study " + study(7)
        + ", PatientID): no such study among the input's studies; line 4 (study " + study(2) + ", PatientSex): "
        + "the study has no finding for PatientSex", cause.getMessage());
    assertFalse(Files.exists(out.resolve("archive")), "no study was archived");
  }

  private static List<String> summaries(JsonNode conflicts) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : conflicts) {
      out.add(f.get("study").asText() + " " + f.get("level").asText() + " " + f.get("attribute").asText() + " "
          + f.get("severity").asText());
    }
    return out;
  }

  private static void run(Map<String, List<ParsedInstance>> studies, Path out, Resolutions resolutions) {
    RESULTS.clear();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    List<KV<String, Iterable<ParsedInstance>>> grouped = new ArrayList<>();
    studies.forEach((k, v) -> grouped.add(KV.of(k, v)));
    PCollectionTuple reconciled = p
        .apply(Create.of(grouped).withCoder(KvCoder.of(StringUtf8Coder.of(),
            IterableCoder.of(ParsedInstanceCoder.of()))))
        .apply(SetAsideDuplicates.create())
        .apply(ReconcileStudies.with(ReconciliationRules.standard(), resolutions, null));
    reconciled.get(ReconcileStudies.STUDIES)
        .apply(WriteStudyArchives.to(ArchiveStore.under(out.toString())))
        .apply(ParDo.of(new DoFn<StudyResult, Void>() {
          @ProcessElement
          public void process(@Element StudyResult r) {
            RESULTS.add(r);
          }
        }));
    reconciled.get(ReconcileStudies.CONFLICTS).apply(ConflictReports.to(out.toString()));
    p.run().waitUntilFinish();
  }
}
