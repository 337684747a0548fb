package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.delta.CarriedReconciliation;
import org.pacsmigrate.transforms.delta.CarriedStudies;
import org.pacsmigrate.transforms.delta.JournalingDoFn;
import org.pacsmigrate.transforms.delta.RunIndex;
import org.pacsmigrate.transforms.model.DedupedStudy;
import org.pacsmigrate.transforms.model.ReconciledStudy;
import org.pacsmigrate.transforms.reconcile.CrossStudyCheck;
import org.pacsmigrate.transforms.reconcile.Finding;
import org.pacsmigrate.transforms.reconcile.PatientSummary;
import org.pacsmigrate.transforms.reconcile.PossibleDuplicatePatients;
import org.pacsmigrate.transforms.reconcile.ReconcileStudy;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;
import org.pacsmigrate.transforms.reconcile.ReferenceSource;
import org.pacsmigrate.transforms.reconcile.Resolutions;
import org.pacsmigrate.transforms.reconcile.ResolutionsException;
import org.pacsmigrate.transforms.reconcile.StudyContext;
import org.pacsmigrate.transforms.reconcile.StudyReconciliation;
import org.pacsmigrate.transforms.reconcile.StudyReconciliation.ResolutionUse;

/**
 * Reconciles every study ({@link ReconcileStudy}) and compares the studies of each patient
 * ({@link CrossStudyCheck}). Outputs {@link #STUDIES}, each study with its held flag and reconciled metadata,
 * and {@link #CONFLICTS}, every finding (the conflict reports' rows; patient data).
 *
 * <p>The cross-study check is a second grouping, keyed by PatientID and issuer, over one small summary per
 * study: only a few strings per study are shuffled. A third, by birth date and sex, over the same summaries,
 * finds {@link PossibleDuplicatePatients}.
 *
 * <p>With resolutions, every row must have been used (its study and attribute have a finding, its value is
 * usable) before any study goes on to be archived: the studies wait ({@link Wait#on}) for that check, which fails
 * the job with every bad row named.
 */
public final class ReconcileStudies extends PTransform<PCollection<DedupedStudy>, PCollectionTuple> {
  public static final TupleTag<ReconciledStudy> STUDIES = new TupleTag<>() {};
  public static final TupleTag<Finding> CONFLICTS = new TupleTag<>() {};
  /** What the review page shows of each study with findings (patient data). */
  public static final TupleTag<StudyContext> CONTEXTS = new TupleTag<>() {};
  private static final TupleTag<Finding> STUDY_FINDINGS = new TupleTag<>() {};
  private static final TupleTag<KV<String, PatientSummary>> PATIENTS = new TupleTag<>() {};
  private static final TupleTag<ResolutionUse> USES = new TupleTag<>() {};

  private final ReconcileStudy reconcile;
  private final Resolutions resolutions;
  private final RunIndex index;
  private final PCollection<CarriedReconciliation> carried;

  private ReconcileStudies(ReconcileStudy reconcile, Resolutions resolutions, RunIndex index,
      PCollection<CarriedReconciliation> carried) {
    this.reconcile = reconcile;
    this.resolutions = resolutions;
    this.index = index;
    this.carried = carried;
  }

  /**
   * @param modificationDateTime the audit trail's Attribute Modification DateTime (DICOM DT), or null for the
   *     study-derived one
   * @throws IllegalArgumentException for a date time that is not a DICOM DT
   */
  public static ReconcileStudies with(ReconciliationRules rules, Resolutions resolutions, String modificationDateTime) {
    return new ReconcileStudies(new ReconcileStudy(rules, modificationDateTime), resolutions, null, null);
  }

  /**
   * The same, reconciling against the hospital's reference file ({@code --reference}): its values win over the
   * rules; with {@code required}, a study whose patient or accession it lacks is held.
   */
  public ReconcileStudies withReference(ReferenceSource reference, boolean required) {
    return new ReconcileStudies(reconcile.withReference(reference, required), resolutions, index, carried);
  }

  /**
   * The same, recording each archivable study's findings, patient and review context in this run's index
   * ({@link RunIndex#RECONCILED}), so that a later run can carry the study over without reconciling it again.
   */
  public ReconcileStudies recordingTo(RunIndex index) {
    return new ReconcileStudies(reconcile, resolutions, index, carried);
  }

  /**
   * The same, with the studies a delta run carries over from the index ({@link CarriedStudies}): their findings,
   * patients and contexts join this run's, so the reports and the checks across studies cover the whole source.
   */
  public ReconcileStudies withCarried(PCollection<CarriedReconciliation> carried) {
    return new ReconcileStudies(reconcile, resolutions, index, carried);
  }

  /** The project's attribute list, no resolutions, the study-derived modification date and time. */
  public static ReconcileStudies withDefaults() {
    return with(ReconciliationRules.standard(), Resolutions.NONE, null);
  }

  @Override
  public PCollectionTuple expand(PCollection<DedupedStudy> studies) {
    PCollectionTuple out = studies.apply("ReconcileStudy", ParDo.of(new ReconcileFn(reconcile, resolutions, index))
        .withOutputTags(STUDIES, TupleTagList.of(STUDY_FINDINGS).and(PATIENTS).and(USES).and(CONTEXTS)));
    PCollection<ReconciledStudy> reconciled = out.get(STUDIES).setCoder(ReconciledStudy.Coder.of());
    out.get(STUDY_FINDINGS).setCoder(Finding.Coder.of());
    out.get(PATIENTS).setCoder(KvCoder.of(StringUtf8Coder.of(), PatientSummary.Coder.of()));
    out.get(USES).setCoder(UseCoder.INSTANCE);
    out.get(CONTEXTS).setCoder(StudyContext.Coder.of());
    PCollection<Finding> studyFindings = out.get(STUDY_FINDINGS);
    PCollection<KV<String, PatientSummary>> patients = out.get(PATIENTS);
    PCollection<StudyContext> contexts = out.get(CONTEXTS);
    if (carried != null) {
      PCollectionTuple c = carried.apply("UnpackCarried", ParDo.of(new UnpackCarriedFn())
          .withOutputTags(STUDY_FINDINGS, TupleTagList.of(PATIENTS).and(CONTEXTS)));
      c.get(STUDY_FINDINGS).setCoder(Finding.Coder.of());
      c.get(PATIENTS).setCoder(KvCoder.of(StringUtf8Coder.of(), PatientSummary.Coder.of()));
      c.get(CONTEXTS).setCoder(StudyContext.Coder.of());
      studyFindings = PCollectionList.of(studyFindings).and(c.get(STUDY_FINDINGS))
          .apply("StudyFindings", Flatten.pCollections());
      patients = PCollectionList.of(patients).and(c.get(PATIENTS)).apply("Patients", Flatten.pCollections());
      contexts = PCollectionList.of(contexts).and(c.get(CONTEXTS)).apply("Contexts", Flatten.pCollections());
    }

    PCollection<Finding> crossStudy = GroupInBatches.groupByKey(patients, "GroupByPatient",
        GroupInBatches.PER_STUDY_BATCHES)
        .apply("CompareStudiesOfAPatient", ParDo.of(new CrossStudyFn()))
        .setCoder(Finding.Coder.of());
    PCollection<Finding> conflicts = PCollectionList.of(studyFindings).and(crossStudy)
        .and(patients.apply("PossibleDuplicatePatients", PossibleDuplicatePatients.create()))
        .apply("AllFindings", Flatten.pCollections());

    if (!resolutions.isEmpty()) {
      PCollection<String> checked = out.get(USES)
          .apply("CollectResolutionUses", Combine.globally(new CollectUses()))
          .setCoder(ListCoder.of(UseCoder.INSTANCE))
          .apply("CheckResolutions", ParDo.of(new CheckFn(resolutions)))
          .setCoder(StringUtf8Coder.of());
      reconciled = reconciled.apply("AfterResolutionsChecked", Wait.on(checked))
          .setCoder(ReconciledStudy.Coder.of());
    }
    return PCollectionTuple.of(STUDIES, reconciled).and(CONFLICTS, conflicts).and(CONTEXTS, contexts);
  }

  /** A carried-over study's findings, patient and context, as if it had been reconciled now. */
  static final class UnpackCarriedFn extends DoFn<CarriedReconciliation, Finding> {
    @ProcessElement
    public void process(@Element CarriedReconciliation c, MultiOutputReceiver out) {
      for (Finding f : c.findings()) {
        out.get(STUDY_FINDINGS).output(f);
      }
      if (c.patient() != null) {
        out.get(PATIENTS).output(KV.of(c.patient().patientKey(), c.patient()));
      }
      if (c.context() != null) {
        out.get(CONTEXTS).output(c.context());
      }
    }
  }

  static final class ReconcileFn extends JournalingDoFn<DedupedStudy, ReconciledStudy> {
    private final ReconcileStudy reconcile;
    private final Resolutions resolutions;
    private final Counter held = MigrationMetrics.counter(MigrationMetrics.STUDIES_HELD);
    private final Counter changed = MigrationMetrics.counter(MigrationMetrics.INSTANCES_RECONCILED);

    ReconcileFn(ReconcileStudy reconcile, Resolutions resolutions, RunIndex index) {
      super(index, "reconciled", 1 << 16);
      this.reconcile = reconcile;
      this.resolutions = resolutions;
    }

    @ProcessElement
    public void process(@Element DedupedStudy study, MultiOutputReceiver out) throws OutputWriteException {
      if (study.kept().isEmpty()) {
        out.get(STUDIES).output(new ReconciledStudy(study, false, "", Map.of()));
        return;
      }
      StudyReconciliation r = reconcile.reconcile(study.studyUid(), study.kept(),
          resolutions.forStudy(study.studyUid()));
      for (Finding f : r.findings()) {
        out.get(STUDY_FINDINGS).output(f);
      }
      if (r.patient() != null) {
        out.get(PATIENTS).output(KV.of(r.patient().patientKey(), r.patient()));
      }
      for (ResolutionUse u : r.resolutions()) {
        out.get(USES).output(u);
      }
      if (r.context() != null) {
        out.get(CONTEXTS).output(r.context());
      }
      if (r.held()) {
        held.inc();
      } else if (recording()) {
        // Before the study is written: a run killed between the two records leaves them of different runs, and
        // the study is then reconciled again, never carried over half-recorded.
        record(RunIndex.RECONCILED, new CarriedReconciliation(study.studyUid(), r.findings(), r.patient(),
            r.context()).encode(), false);
      }
      changed.inc(r.metadata().size());
      out.get(STUDIES).output(new ReconciledStudy(study, r.held(), r.heldReason(), r.metadata()));
    }
  }

  static final class CrossStudyFn extends DoFn<KV<String, Iterable<PatientSummary>>, Finding> {
    @ProcessElement
    public void process(@Element KV<String, Iterable<PatientSummary>> patient, OutputReceiver<Finding> out) {
      List<PatientSummary> studies = new ArrayList<>();
      patient.getValue().forEach(studies::add);
      CrossStudyCheck.findings(studies).forEach(out::output);
    }
  }

  /** Every row of the resolutions file must have decided something. */
  static final class CheckFn extends DoFn<List<ResolutionUse>, String> {
    private final Resolutions resolutions;

    CheckFn(Resolutions resolutions) {
      this.resolutions = resolutions;
    }

    @ProcessElement
    public void process(@Element List<ResolutionUse> uses, OutputReceiver<String> out) {
      String problems = problems(resolutions, uses);
      if (!problems.isEmpty()) {
        throw new ResolutionsException(problems);
      }
      out.output("resolutions checked");
    }
  }

  /** What is wrong with the rows of a resolutions file, given what the job made of them; empty when nothing. */
  static String problems(Resolutions resolutions, List<ResolutionUse> uses) {
    Map<Integer, ResolutionUse> byLine = new TreeMap<>();
    for (ResolutionUse u : uses) {
      byLine.put(u.line(), u);
    }
    List<String> problems = new ArrayList<>();
    for (Resolutions.Resolution r : resolutions.rows()) {
      ResolutionUse u = byLine.get(r.line());
      String row = "line " + r.line() + " (study " + r.study() + ", " + r.attribute() + "): ";
      if (u == null) {
        problems.add(row + "no such study among the input's studies");
      } else if (u.status() != ResolutionUse.Status.APPLIED) {
        problems.add(row + u.problem());
      }
    }
    if (problems.isEmpty()) {
      return "";
    }
    return "the resolutions file " + resolutions.source() + " does not match the findings, so nothing was "
        + "archived; correct these rows (or start again from reports/resolutions-template.csv): "
        + String.join("; ", problems);
  }

  static final class CollectUses extends Combine.CombineFn<ResolutionUse, List<ResolutionUse>, List<ResolutionUse>> {
    @Override
    public List<ResolutionUse> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<ResolutionUse> addInput(List<ResolutionUse> accumulator, ResolutionUse input) {
      accumulator.add(input);
      return accumulator;
    }

    @Override
    public List<ResolutionUse> mergeAccumulators(Iterable<List<ResolutionUse>> accumulators) {
      List<ResolutionUse> all = new ArrayList<>();
      accumulators.forEach(all::addAll);
      return all;
    }

    @Override
    public List<ResolutionUse> extractOutput(List<ResolutionUse> accumulator) {
      return accumulator;
    }

    @Override
    public Coder<List<ResolutionUse>> getAccumulatorCoder(CoderRegistry registry, Coder<ResolutionUse> input) {
      return ListCoder.of(UseCoder.INSTANCE);
    }

    @Override
    public Coder<List<ResolutionUse>> getDefaultOutputCoder(CoderRegistry registry, Coder<ResolutionUse> input) {
      return ListCoder.of(UseCoder.INSTANCE);
    }
  }

  static final class UseCoder extends CustomCoder<ResolutionUse> {
    static final UseCoder INSTANCE = new UseCoder();

    @Override
    public void encode(ResolutionUse value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.line(), out);
      ByteCoder.of().encode((byte) value.status().ordinal(), out);
      StringUtf8Coder.of().encode(value.problem(), out);
    }

    @Override
    public ResolutionUse decode(InputStream in) throws IOException {
      return new ResolutionUse(VarIntCoder.of().decode(in), ResolutionUse.Status.values()[ByteCoder.of().decode(in)],
          StringUtf8Coder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
