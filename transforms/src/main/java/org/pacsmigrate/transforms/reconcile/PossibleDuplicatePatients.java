package org.pacsmigrate.transforms.reconcile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.pacsmigrate.transforms.GroupInBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.format.dicom.VR;

/**
 * Possible duplicate patients: different PatientIDs (or issuers) with the same birth date and sex whose names
 * sound alike ({@link SoundsAlike}). Reported for review as {@code possible-duplicate} warnings; never merged,
 * nothing is changed (a merge is the master patient index's decision; give it to the job with a reference file).
 *
 * <p>Input: one {@link PatientSummary} per archived study (the studies as archived, so IDs a reference merged are
 * already one). They are grouped by a blocking key, birth date and sex: only these summaries (a few strings per
 * study) cross the shuffle, and only patients in one group are compared. Within a group, patients are bucketed by
 * phonetic key, so a crowded group (a placeholder birth date) costs time linear in its size, not quadratic.
 * Patients without a birth date, a sex or an alphabetic name are not compared.
 */
public final class PossibleDuplicatePatients
    extends PTransform<PCollection<KV<String, PatientSummary>>, PCollection<Finding>> {

  private PossibleDuplicatePatients() {}

  public static PossibleDuplicatePatients create() {
    return new PossibleDuplicatePatients();
  }

  @Override
  public PCollection<Finding> expand(PCollection<KV<String, PatientSummary>> studies) {
    PCollection<KV<String, PatientSummary>> blocked = studies
        .apply("KeyByBirthDateAndSex", ParDo.of(new BlockingKeyFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), PatientSummary.Coder.of()));
    return GroupInBatches.groupByKey(blocked, "GroupByBirthDateAndSex", GroupInBatches.PER_STUDY_BATCHES)
        .apply("CompareNames", ParDo.of(new CompareFn()))
        .setCoder(Finding.Coder.of());
  }

  /** Birth date and sex, normalised; null when either is missing. */
  static String blockingKey(PatientSummary s) {
    String birth = ValueText.key(VR.DA, s.birthDate());
    String sex = s.sex() == null ? "" : s.sex().strip().toUpperCase(Locale.ROOT);
    if (birth.isEmpty() || sex.isEmpty() || SoundsAlike.keys(s.name()).isEmpty()) {
      return null;
    }
    return birth + "|" + sex;
  }

  static final class BlockingKeyFn extends DoFn<KV<String, PatientSummary>, KV<String, PatientSummary>> {
    @ProcessElement
    public void process(@Element KV<String, PatientSummary> study, OutputReceiver<KV<String, PatientSummary>> out) {
      String key = blockingKey(study.getValue());
      if (key != null) {
        out.output(KV.of(key, study.getValue()));
      }
    }
  }

  static final class CompareFn extends DoFn<KV<String, Iterable<PatientSummary>>, Finding> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<PatientSummary>> group, OutputReceiver<Finding> out) {
      List<PatientSummary> studies = new ArrayList<>();
      group.getValue().forEach(studies::add);
      findings(studies).forEach(out::output);
    }
  }

  /**
   * @param studies the summaries of studies that share a birth date and sex (any order)
   * @return two findings (PatientID and PatientName) per set of patients that sound alike, in a stable order
   */
  public static List<Finding> findings(List<PatientSummary> studies) {
    // One entry per patient (ID and issuer), its studies sorted by UID; the name shown is its first study's.
    Map<String, List<PatientSummary>> patients = new TreeMap<>();
    for (PatientSummary s : studies) {
      patients.computeIfAbsent(s.patientKey(), k -> new ArrayList<>()).add(s);
    }
    if (patients.size() < 2) {
      return List.of();
    }
    List<String> keys = new ArrayList<>(patients.keySet());
    patients.values().forEach(l -> l.sort(Comparator.comparing(PatientSummary::studyUid)));
    // Union of patients that share a phonetic key.
    int[] parent = new int[keys.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    Map<String, Integer> firstWithSound = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      for (PatientSummary s : patients.get(keys.get(i))) {
        for (String sound : SoundsAlike.keys(s.name())) {
          Integer j = firstWithSound.putIfAbsent(sound, i);
          if (j != null) {
            union(parent, i, j);
          }
        }
      }
    }
    Map<Integer, List<String>> sets = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      sets.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(keys.get(i));
    }
    List<Finding> out = new ArrayList<>();
    for (List<String> set : sets.values()) {
      if (set.size() < 2) {
        continue;
      }
      List<Finding.ValueCount> ids = new ArrayList<>();
      List<Finding.ValueCount> names = new ArrayList<>();
      for (String key : set) {
        List<PatientSummary> ofPatient = patients.get(key);
        long instances = ofPatient.stream().mapToLong(PatientSummary::instances).sum();
        List<String> examples = ofPatient.stream().map(PatientSummary::examplePath).sorted()
            .limit(Finding.ValueCount.EXAMPLES).toList();
        List<String> studyUids = ofPatient.stream().map(PatientSummary::studyUid).toList();
        ids.add(new Finding.ValueCount(ofPatient.get(0).patientId(), instances, examples, studyUids));
        names.add(new Finding.ValueCount(ofPatient.get(0).name(), instances, examples, studyUids));
      }
      PatientSummary first = patients.get(set.get(0)).get(0);
      out.add(new Finding(first.patientId(), Level.POSSIBLE_DUPLICATE, "", "PatientID",
          ReconciliationRules.PATIENT_ID, Severity.WARNING, ids, null, DecisionRule.POSSIBLE_DUPLICATE, "", "",
          first.issuer()));
      out.add(new Finding(first.patientId(), Level.POSSIBLE_DUPLICATE, "", "PatientName",
          ReconciliationRules.PATIENT_NAME, Severity.WARNING, names, null, DecisionRule.POSSIBLE_DUPLICATE, "", "",
          first.issuer()));
    }
    return out;
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
}
