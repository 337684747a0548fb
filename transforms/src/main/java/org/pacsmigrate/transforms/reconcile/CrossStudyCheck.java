package org.pacsmigrate.transforms.reconcile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pacsmigrate.format.dicom.VR;

/**
 * Across studies: one PatientID (with its issuer) whose studies, as archived, carry PatientNames,
 * PatientBirthDates or PatientSexes that differ beyond cosmetics. Reported as {@code cross-study} warnings; no
 * study is held or changed (each study was made consistent on its own; which one is right is for the source PACS
 * to settle). A study without the value does not count as differing.
 */
public final class CrossStudyCheck {
  private record Compared(int tag, String keyword, VR vr) {}

  private static final List<Compared> COMPARED = List.of(
      new Compared(ReconciliationRules.PATIENT_NAME, "PatientName", VR.PN),
      new Compared(ReconciliationRules.PATIENT_BIRTH_DATE, "PatientBirthDate", VR.DA),
      new Compared(ReconciliationRules.PATIENT_SEX, "PatientSex", VR.CS));

  private CrossStudyCheck() {}

  /** @param studies the summaries of one patient key's studies (any order) */
  public static List<Finding> findings(List<PatientSummary> studies) {
    List<Finding> out = new ArrayList<>();
    if (studies.size() < 2) {
      return out;
    }
    List<PatientSummary> sorted = new ArrayList<>(studies);
    sorted.sort(Comparator.comparing(PatientSummary::studyUid));
    PatientSummary any = sorted.get(0);
    for (Compared c : COMPARED) {
      Map<String, List<PatientSummary>> byKey = new TreeMap<>();
      for (PatientSummary s : sorted) {
        String key = ValueText.key(c.vr(), value(s, c.tag()));
        if (!key.isEmpty()) {
          byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
      }
      if (byKey.size() < 2) {
        continue;
      }
      List<Finding.ValueCount> values = new ArrayList<>();
      for (List<PatientSummary> group : byKey.values()) {
        // The spelling shown is the first study's (studies sorted by UID).
        String shown = value(group.get(0), c.tag());
        long instances = group.stream().mapToLong(PatientSummary::instances).sum();
        List<String> examples = group.stream().map(PatientSummary::examplePath).sorted()
            .limit(Finding.ValueCount.EXAMPLES).toList();
        values.add(new Finding.ValueCount(shown, instances, examples,
            group.stream().map(PatientSummary::studyUid).toList()));
      }
      values.sort(Comparator.comparingLong(Finding.ValueCount::instances).reversed()
          .thenComparing(Finding.ValueCount::value));
      out.add(new Finding(any.patientId(), Level.CROSS_STUDY, "", c.keyword(), c.tag(), Severity.WARNING, values,
          null, DecisionRule.CROSS_STUDY, "", "", any.issuer()));
    }
    return out;
  }

  private static String value(PatientSummary s, int tag) {
    if (tag == ReconciliationRules.PATIENT_NAME) {
      return s.name();
    }
    if (tag == ReconciliationRules.PATIENT_BIRTH_DATE) {
      return s.birthDate();
    }
    return s.sex();
  }
}
