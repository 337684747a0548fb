package org.pacsmigrate.transforms.reconcile;

import java.util.List;
import java.util.Map;
import org.pacsmigrate.transforms.model.MetadataOverlay;

/**
 * What reconciliation decided for one study.
 *
 * @param findings every difference found, with its values, the chosen value and the rule
 * @param held true when the study must not be archived: an identity conflict no reviewer has decided, or a
 *     chosen value that the instances' character set cannot hold
 * @param heldReason why, for the manifest (names attributes by keyword and tag, never a value); empty when not held
 * @param metadata by SOP Instance UID, what changes in each instance that changed: the chosen values and the
 *     Original Attributes Sequence items recording the previous ones, laid over the source's data set when the
 *     study is written. Instances not in the map publish their source data set. Empty when held.
 * @param resolutions what became of each of the study's resolutions
 * @param patient the study's patient as archived, for the cross-study check; null when held or without a
 *     PatientID
 * @param context what the review page shows of the study; null when it has no finding
 */
public record StudyReconciliation(String studyUid, List<Finding> findings, boolean held, String heldReason,
    Map<String, MetadataOverlay> metadata, List<ResolutionUse> resolutions, PatientSummary patient, StudyContext context) {

  /** Without a context for the review page. */
  public StudyReconciliation(String studyUid, List<Finding> findings, boolean held, String heldReason,
      Map<String, MetadataOverlay> metadata, List<ResolutionUse> resolutions, PatientSummary patient) {
    this(studyUid, findings, held, heldReason, metadata, resolutions, patient, null);
  }

  public StudyReconciliation {
    findings = List.copyOf(findings);
    metadata = Map.copyOf(metadata);
    resolutions = List.copyOf(resolutions);
    heldReason = heldReason == null ? "" : heldReason;
  }

  /** What became of one resolution row of this study. */
  public record ResolutionUse(int line, Status status, String problem) {
    public enum Status {
      /** It decided at least one finding. */
      APPLIED,
      /** The study has no finding for the attribute (in that series). */
      NO_FINDING,
      /** Its value cannot be used (not valid for the VR, or not one of the values of a sequence). */
      BAD_VALUE
    }
  }
}
