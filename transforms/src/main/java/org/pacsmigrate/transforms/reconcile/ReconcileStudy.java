package org.pacsmigrate.transforms.reconcile;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.pacsmigrate.transforms.model.SortableDateTime;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.DuplicateResolver;
import org.pacsmigrate.transforms.model.MetadataOverlay;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules.Attribute;
import org.pacsmigrate.transforms.reconcile.Resolutions.Resolution;
import org.pacsmigrate.transforms.reconcile.StudyReconciliation.ResolutionUse;

/**
 * Reconciles one study: compares the listed attributes ({@link ReconciliationRules}) across the study's
 * instances (the series-level ones within each series), classifies each difference, decides the value the
 * archive carries, and writes the change and its audit trail into a copy of each changed instance's data set.
 * Plain Java and deterministic: the same instances (in any order) and decisions give the same result.
 *
 * <p>Classes of difference, per attribute:
 * <ul>
 *   <li>values that differ only cosmetically ({@link ValueText}: case, spaces around name components, trailing
 *       '^', numbers written differently, empty vs absent): {@code info}, normalised to the chosen spelling;</li>
 *   <li>values that differ, or a value some instances lack: {@code warning}, resolved by {@link DecisionRule};</li>
 *   <li>two PatientIDs or two IssuerOfPatientIDs within the study, or PatientName and PatientBirthDate both with
 *       two values: {@code blocking}; the study is held until a reviewer decides every blocking attribute.</li>
 * </ul>
 * Reviewer decisions ({@link Resolutions}) override the rule, and release a held study once each of its blocking
 * findings is decided.
 *
 * <p>Audit (PS3.3 C.12.1): each changed instance gets one item appended to Original Attributes Sequence
 * (0400,0561) per reason: Modified Attributes Sequence (0400,0550) with the previous values (an absent attribute
 * recorded empty), Attribute Modification DateTime (0400,0562), Modifying System (0400,0563) {@value
 * #MODIFYING_SYSTEM}, Source of Previous Values (0400,0564) (the file's Source Application Entity Title
 * (0002,0016), else empty), Reason for the Attribute Modification (0400,0565) COERCE for the rules' decisions,
 * CORRECT for a reviewer's.
 *
 * <p>The modification date and time is not the clock (a rerun must give the same bytes): the configured value,
 * else the most recent InstanceCreationDate/Time of the study's instances, else its StudyDate/StudyTime, else
 * {@value #FALLBACK_DATE_TIME}.
 */
public final class ReconcileStudy implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String MODIFYING_SYSTEM = "PACSMIGRATE";
  public static final String FALLBACK_DATE_TIME = "19700101000000";
  static final int ORIGINAL_ATTRIBUTES_SEQUENCE = 0x04000561;
  static final int MODIFIED_ATTRIBUTES_SEQUENCE = 0x04000550;
  static final int ATTRIBUTE_MODIFICATION_DATE_TIME = 0x04000562;
  static final int MODIFYING_SYSTEM_TAG = 0x04000563;
  static final int SOURCE_OF_PREVIOUS_VALUES = 0x04000564;
  static final int REASON_FOR_MODIFICATION = 0x04000565;
  private static final int CONTENT_DATE = 0x00080023;
  private static final int CONTENT_TIME = 0x00080033;
  private static final int STUDY_TIME = 0x00080030;
  private static final Pattern DT = Pattern.compile("\\d{8}(\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?)?([+-]\\d{4})?");

  private final ReconciliationRules rules;
  private final String modificationDateTime;
  private final ReferenceSource reference; // null without --reference
  private final boolean requireReference;

  /**
   * @param modificationDateTime Attribute Modification DateTime for the audit trail (DICOM DT, at least
   *     YYYYMMDD), or null for the study-derived value
   * @throws IllegalArgumentException when the date time is not a DICOM DT
   */
  public ReconcileStudy(ReconciliationRules rules, String modificationDateTime) {
    this.rules = Objects.requireNonNull(rules, "rules");
    if (modificationDateTime != null && !DT.matcher(modificationDateTime).matches()) {
      throw new IllegalArgumentException("the modification date and time must be a DICOM DT such as "
          + "20250131120000 (YYYYMMDDHHMMSS, optionally .FFFFFF and an offset +HHMM): " + modificationDateTime);
    }
    this.modificationDateTime = modificationDateTime;
    this.reference = null;
    this.requireReference = false;
  }

  private ReconcileStudy(ReconcileStudy base, ReferenceSource reference, boolean requireReference) {
    this.rules = base.rules;
    this.modificationDateTime = base.modificationDateTime;
    this.reference = reference;
    this.requireReference = requireReference;
  }

  /**
   * The same, with the hospital's reference ({@link ReferenceIndex}): its values win over the rules; a study whose
   * patient or accession it lacks gets a finding, blocking when {@code required}.
   */
  public ReconcileStudy withReference(ReferenceSource reference, boolean required) {
    return new ReconcileStudy(this, reference, required);
  }

  /** One instance as reconciliation sees it. */
  private record Inst(ParsedInstance file, DataSet ds, SpecificCharacterSet cs, String created, String content) {
    String path() {
      return file.path();
    }
  }

  /** One instance's value of one attribute. */
  private record Obs(Inst inst, DicomElement element, String display, String key) {}

  /** A set of observations that count as one candidate value. */
  private record Group(String label, List<Obs> members) {}

  private record Choice(Group winner, String rule) {}

  /** The analysis of one attribute in one scope (the study, or a series). */
  private static final class Analysis {
    final Attribute attribute;
    final String series;
    final List<Obs> observations;
    Severity severity;
    String chosen;
    Obs source; // the observation whose element carries the chosen value; null for a reviewer's typed value
    String rule;
    boolean conflicting; // two non-empty values that differ beyond cosmetics
    Resolution resolution;
    boolean notInReference; // the study's patient or accession is missing from the reference

    Analysis(Attribute attribute, String series, List<Obs> observations) {
      this.attribute = attribute;
      this.series = series;
      this.observations = observations;
    }
  }

  /** Why a chosen value cannot be written into an instance; names no value. */
  private static final class Unencodable extends Exception {
    private static final long serialVersionUID = 1L;
    private transient Analysis analysis;

    Unencodable(String message) {
      super(message);
    }
  }

  /**
   * @param kept the study's instances, duplicates already set aside (any order)
   * @param resolutions the reviewer's decisions about this study (may be empty)
   */
  public StudyReconciliation reconcile(String studyUid, List<ParsedInstance> kept, List<Resolution> resolutions) {
    List<Inst> instances = new ArrayList<>();
    for (ParsedInstance p : kept) {
      DataSet ds = p.reconciliation();
      instances.add(new Inst(p, ds, ValueText.charset(ds), DuplicateResolver.creationDateTime(ds),
          dateTime(ds, CONTENT_DATE, CONTENT_TIME)));
    }
    instances.sort(Comparator.comparing(Inst::path));

    List<Analysis> analyses = new ArrayList<>();
    for (Attribute a : rules.attributes()) {
      if (a.level() == Level.SERIES) {
        Map<String, List<Inst>> bySeries = new TreeMap<>();
        for (Inst i : instances) {
          bySeries.computeIfAbsent(i.file().seriesUid(), k -> new ArrayList<>()).add(i);
        }
        bySeries.forEach((series, scope) -> add(analyses, analyse(a, series, scope)));
      } else {
        add(analyses, analyse(a, "", instances));
      }
    }
    Analysis name = find(analyses, ReconciliationRules.PATIENT_NAME);
    Analysis birthDate = find(analyses, ReconciliationRules.PATIENT_BIRTH_DATE);
    if (name != null && birthDate != null && name.conflicting && birthDate.conflicting) {
      name.severity = Severity.BLOCKING;
      birthDate.severity = Severity.BLOCKING;
    }
    if (reference != null) {
      applyReference(instances, analyses);
    }

    List<ResolutionUse> uses = new ArrayList<>();
    for (Resolution r : resolutions) {
      uses.add(apply(r, analyses));
    }

    List<Analysis> undecided = analyses.stream()
        .filter(a -> a.severity == Severity.BLOCKING && a.resolution == null).toList();
    String heldReason = "";
    if (!undecided.isEmpty()) {
      List<Analysis> unlisted = undecided.stream().filter(a -> a.notInReference && !a.conflicting).toList();
      List<Analysis> identity = undecided.stream().filter(a -> !unlisted.contains(a)).toList();
      heldReason = "held: " + (identity.isEmpty() ? "" : "identity conflict in " + names(identity))
          + (identity.isEmpty() || unlisted.isEmpty() ? "" : "; ")
          + (unlisted.isEmpty() ? "" : "not in the reference: " + names(unlisted))
          + "; decide in a resolutions file (see conflicts.csv)";
      for (Analysis a : undecided) {
        a.rule = DecisionRule.held(a.rule);
      }
    }

    Map<String, MetadataOverlay> metadata = new TreeMap<>();
    if (heldReason.isEmpty()) {
      try {
        metadata = apply(analyses, instances);
      } catch (Unencodable e) {
        // The study waits for a value its instances can hold: the attribute blocks it, as the report shows.
        heldReason = "held: " + e.getMessage();
        e.analysis.severity = Severity.BLOCKING;
        e.analysis.rule = DecisionRule.UNENCODABLE;
        metadata = new TreeMap<>();
      }
    }
    boolean held = !heldReason.isEmpty();

    List<Finding> findings = new ArrayList<>();
    for (Analysis a : analyses) {
      findings.add(finding(studyUid, a));
    }
    findings.sort(Finding.REPORT_ORDER);
    PatientSummary patient = held || instances.isEmpty() ? null
        : summary(studyUid, instances, metadata);
    StudyContext context = findings.isEmpty() ? null : StudyContext.of(studyUid,
        instances.stream().map(Inst::ds).toList(), instances.stream().map(Inst::cs).toList(), findings, held);
    return new StudyReconciliation(studyUid, findings, held, heldReason, metadata, uses, patient, context);
  }

  private static void add(List<Analysis> analyses, Analysis a) {
    if (a != null) {
      analyses.add(a);
    }
  }

  private static Analysis find(List<Analysis> analyses, int tag) {
    for (Analysis a : analyses) {
      if (a.attribute.tag() == tag) {
        return a;
      }
    }
    return null;
  }

  private static String names(List<Analysis> analyses) {
    TreeSet<String> names = new TreeSet<>();
    for (Analysis a : analyses) {
      names.add(a.attribute.keyword() + " " + Tag.toString(a.attribute.tag()));
    }
    return String.join(" and ", names);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Comparing

  /** Each instance's value of the attribute; null when one is left in the source file (not compared). */
  private static List<Obs> observe(Attribute attribute, List<Inst> scope) {
    List<Obs> observations = new ArrayList<>();
    // The instances of a study mostly repeat one value: each distinct value (and character set) is decoded and
    // keyed once, not once per instance.
    Map<Written, String[]> seen = new HashMap<>();
    for (Inst i : scope) {
      DicomElement e = i.ds().get(attribute.tag());
      if (e != null && !ValueText.inMemory(e)) {
        return null; // a value left in the source file (over 1 KiB of binary data): not compared
      }
      String[] text = seen.computeIfAbsent(new Written(e, i.cs()), w -> {
        String display = ValueText.display(e, i.cs());
        VR vr = ValueText.vrFor(attribute.tag(), e);
        // Identifiers are compared as written: "abc" and "ABC" may be two patients.
        String key = ReconciliationRules.IDENTITY.contains(attribute.tag())
            ? (display == null ? "" : display.strip()) : ValueText.key(vr, display);
        return new String[] {display, key};
      });
      observations.add(new Obs(i, e, text[0], text[1]));
    }
    return observations;
  }

  /** A value as written (null when absent) in its character set. */
  private record Written(DicomElement element, SpecificCharacterSet charset) {}

  private Analysis analyse(Attribute attribute, String series, List<Inst> scope) {
    List<Obs> observations = observe(attribute, scope);
    if (observations == null || observations.stream().map(Obs::display).distinct().count() <= 1) {
      return null;
    }
    Analysis a = new Analysis(attribute, series, observations);
    Map<String, List<Obs>> byKey = new TreeMap<>();
    for (Obs o : observations) {
      if (!o.key().isEmpty()) {
        byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
      }
    }
    boolean someEmpty = observations.stream().anyMatch(o -> o.key().isEmpty());
    List<Obs> candidates;
    if (byKey.isEmpty()) {
      // Empty and absent only.
      a.severity = Severity.INFO;
      candidates = observations;
      a.rule = null;
    } else if (byKey.size() == 1) {
      a.severity = someEmpty ? Severity.WARNING : Severity.INFO;
      candidates = byKey.values().iterator().next();
      a.rule = someEmpty ? DecisionRule.ONLY_VALUE : null;
    } else {
      a.conflicting = true;
      a.severity = ReconciliationRules.IDENTITY.contains(attribute.tag()) ? Severity.BLOCKING : Severity.WARNING;
      List<Group> groups = new ArrayList<>();
      byKey.forEach((k, members) -> groups.add(new Group(k, members)));
      Choice c = choose(groups);
      candidates = c.winner().members();
      a.rule = c.rule();
    }
    // The spelling: among the candidates' displays, by the same rule.
    Map<String, List<Obs>> byDisplay = new LinkedHashMap<>();
    for (Obs o : candidates) {
      byDisplay.computeIfAbsent(o.display() == null ? "\u0000absent" : "\u0001" + o.display(),
          k -> new ArrayList<>()).add(o);
    }
    List<Group> spellings = new ArrayList<>();
    byDisplay.forEach((k, members) -> spellings.add(new Group(k, members)));
    Choice spelling = choose(spellings);
    if (a.rule == null) {
      a.rule = spelling.rule();
    }
    a.source = representative(spelling.winner().members());
    a.chosen = a.source.display();
    return a;
  }

  /** The group most instances are in; ties: newest creation, then newest content, then smallest path. */
  private static Choice choose(List<Group> groups) {
    Comparator<Group> order = Comparator
        .comparingInt((Group g) -> g.members().size()).reversed()
        .thenComparing(Comparator.comparing(ReconcileStudy::newestCreation).reversed())
        .thenComparing(Comparator.comparing(ReconcileStudy::newestContent).reversed())
        .thenComparing(ReconcileStudy::smallestPath);
    List<Group> sorted = new ArrayList<>(groups);
    sorted.sort(order);
    Group first = sorted.get(0);
    if (sorted.size() == 1) {
      return new Choice(first, DecisionRule.MAJORITY);
    }
    Group second = sorted.get(1);
    String rule;
    if (first.members().size() != second.members().size()) {
      rule = DecisionRule.MAJORITY;
    } else if (!newestCreation(first).equals(newestCreation(second))) {
      rule = DecisionRule.TIE_CREATION;
    } else if (!newestContent(first).equals(newestContent(second))) {
      rule = DecisionRule.TIE_CONTENT;
    } else {
      rule = DecisionRule.TIE_PATH;
    }
    return new Choice(first, rule);
  }

  private static String newestCreation(Group g) {
    return g.members().stream().map(o -> o.inst().created()).max(Comparator.naturalOrder()).orElse("");
  }

  private static String newestContent(Group g) {
    return g.members().stream().map(o -> o.inst().content()).max(Comparator.naturalOrder()).orElse("");
  }

  private static String smallestPath(Group g) {
    return g.members().stream().map(o -> o.inst().path()).min(Comparator.naturalOrder()).orElse("");
  }

  /** The observation whose element is copied: newest creation, then newest content, then smallest path. */
  private static Obs representative(List<Obs> members) {
    return members.stream().min(Comparator
        .comparing((Obs o) -> o.inst().created()).reversed()
        .thenComparing(Comparator.comparing((Obs o) -> o.inst().content()).reversed())
        .thenComparing(o -> o.inst().path())).orElseThrow();
  }

  /** "YYYYMMDDHHMMSS.FFFFFF" from a date and a time attribute, comparable as text; "" without the date. */
  static String dateTime(DataSet ds, int dateTag, int timeTag) {
    return SortableDateTime.of(ds, dateTag, timeTag);
  }

  // ---------------------------------------------------------------------------------------------------------
  // The reference (--reference): what it says is decided by ReferenceIndex; here it becomes analyses.

  private void applyReference(List<Inst> instances, List<Analysis> analyses) {
    List<String> ids = new ArrayList<>();
    List<String> issuers = new ArrayList<>();
    List<String> accessions = new ArrayList<>();
    for (Inst i : instances) {
      ids.add(display(i.ds(), ReconciliationRules.PATIENT_ID, i.cs()));
      issuers.add(display(i.ds(), ReconciliationRules.ISSUER_OF_PATIENT_ID, i.cs()));
      accessions.add(display(i.ds(), ReferenceIndex.ACCESSION_NUMBER, i.cs()));
    }
    ReferenceIndex.Decision d = reference.index().decide(ids, issuers, accessions);
    for (Map.Entry<Integer, String> v : d.values().entrySet()) {
      Attribute attribute = attribute(v.getKey());
      Analysis a = attribute == null ? null : find(analyses, attribute.tag());
      if (attribute != null && a == null) {
        List<Obs> observations = observe(attribute, instances);
        if (observations == null || observations.stream().allMatch(o -> v.getValue().equals(o.display()))) {
          continue; // every instance already carries the reference's value
        }
        a = new Analysis(attribute, "", observations);
        a.severity = Severity.WARNING;
        analyses.add(a);
      }
      if (a != null) {
        String chosen = v.getValue();
        a.chosen = chosen;
        a.source = a.observations.stream().filter(o -> chosen.equals(o.display())).findFirst().orElse(null);
        a.rule = DecisionRule.REFERENCE;
        // Patient values come only for a patient the reference identified: no longer an identity question.
        if (a.severity == Severity.BLOCKING) {
          a.severity = Severity.WARNING;
        }
      }
    }
    if (d.patientChecked() && !d.patientFound()) {
      notInReference(analyses, instances, ReconciliationRules.PATIENT_ID);
    }
    if (d.accessionChecked() && !d.accessionFound()) {
      notInReference(analyses, instances, ReferenceIndex.ACCESSION_NUMBER);
    }
  }

  private void notInReference(List<Analysis> analyses, List<Inst> instances, int tag) {
    Attribute attribute = attribute(tag);
    if (attribute == null) {
      return;
    }
    Analysis a = find(analyses, tag);
    if (a == null) {
      List<Obs> observations = observe(attribute, instances);
      a = new Analysis(attribute, "", observations);
      a.source = representative(observations);
      a.chosen = a.source.display();
      a.rule = DecisionRule.NOT_IN_REFERENCE;
      a.severity = Severity.WARNING;
      analyses.add(a);
    } else {
      a.rule = a.rule + "; " + DecisionRule.NOT_IN_REFERENCE;
    }
    a.notInReference = true;
    a.severity = requireReference ? Severity.BLOCKING
        : Severity.values()[Math.max(a.severity.ordinal(), Severity.WARNING.ordinal())];
  }

  private Attribute attribute(int tag) {
    for (Attribute a : rules.attributes()) {
      if (a.tag() == tag && a.level() != Level.SERIES) {
        return a;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reviewer decisions

  private static ResolutionUse apply(Resolution r, List<Analysis> analyses) {
    List<Analysis> matched = new ArrayList<>();
    for (Analysis a : analyses) {
      if (a.attribute.keyword().equals(r.attribute()) && (r.series().isEmpty() || r.series().equals(a.series))) {
        matched.add(a);
      }
    }
    if (matched.isEmpty()) {
      return new ResolutionUse(r.line(), ResolutionUse.Status.NO_FINDING,
          "the study has no finding for " + r.attribute() + (r.series().isEmpty() ? "" : " in series " + r.series()));
    }
    List<Obs> sources = new ArrayList<>();
    for (Analysis a : matched) {
      VR vr = vrOf(a);
      Obs source = null;
      for (Obs o : a.observations) {
        if (r.chosen().equals(o.display())) {
          source = o;
          break;
        }
      }
      if (!vr.isText() && source == null) {
        return new ResolutionUse(r.line(), ResolutionUse.Status.BAD_VALUE, "for " + r.attribute() + " (" + vr
            + "), the chosen value must be one of the values the report lists, copied exactly");
      }
      String problem = vr.isText() && source == null ? ValueText.invalid(vr, r.chosen()) : null;
      if (problem != null) {
        return new ResolutionUse(r.line(), ResolutionUse.Status.BAD_VALUE, problem);
      }
      sources.add(source);
    }
    for (int i = 0; i < matched.size(); i++) {
      Analysis a = matched.get(i);
      // A typed value equal to an existing one is copied from that instance's element, bytes and all.
      a.source = sources.get(i);
      a.chosen = r.chosen();
      a.rule = DecisionRule.REVIEWER;
      a.resolution = r;
    }
    return new ResolutionUse(r.line(), ResolutionUse.Status.APPLIED, "");
  }

  private static VR vrOf(Analysis a) {
    for (Obs o : a.observations) {
      if (o.element() != null && o.element().vr() != VR.UN) {
        return o.element().vr();
      }
    }
    return ValueText.vrFor(a.attribute.tag(), null);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Writing the decisions

  private record Change(DicomElement previous, DicomElement next, VR vr, boolean byReviewer) {}

  private Map<String, MetadataOverlay> apply(List<Analysis> analyses, List<Inst> instances) throws Unencodable {
    Map<Inst, Map<Integer, Change>> changes = new IdentityHashMap<>();
    for (Analysis a : analyses) {
      VR vr = vrOf(a);
      Map<String, Integer> failures = new TreeMap<>();
      for (Obs o : a.observations) {
        if (Objects.equals(o.display(), a.chosen)) {
          continue;
        }
        DicomElement next;
        try {
          next = element(a, vr, o);
        } catch (Unencodable e) {
          failures.merge(e.getMessage(), 1, Integer::sum);
          continue;
        }
        changes.computeIfAbsent(o.inst(), k -> new TreeMap<>(Integer::compareUnsigned))
            .put(a.attribute.tag(), new Change(o.element(), next, vr, a.resolution != null));
      }
      if (!failures.isEmpty()) {
        Map.Entry<String, Integer> first = failures.entrySet().iterator().next();
        Unencodable e = new Unencodable("the value chosen for " + a.attribute.keyword() + " "
            + Tag.toString(a.attribute.tag()) + " cannot be written in " + first.getValue() + " instance(s): "
            + first.getKey() + "; choose another value in a resolutions file");
        e.analysis = a;
        throw e;
      }
    }
    String when = modificationDateTime != null ? modificationDateTime : derivedDateTime(instances);
    Map<String, MetadataOverlay> out = new TreeMap<>();
    for (Map.Entry<Inst, Map<Integer, Change>> e : changes.entrySet()) {
      Inst i = e.getKey();
      // Only the changes travel; the archive step lays them over the header it reads again (MetadataOverlay
      // keeps the source's own Original Attributes Sequence items ahead of these).
      DataSet copy = new DataSet();
      List<Integer> removed = new ArrayList<>();
      List<DataSet> records = new ArrayList<>();
      for (boolean byReviewer : new boolean[] {false, true}) {
        DataSet previous = new DataSet();
        for (Map.Entry<Integer, Change> c : e.getValue().entrySet()) {
          Change change = c.getValue();
          if (change.byReviewer() != byReviewer) {
            continue;
          }
          previous.put(change.previous() != null ? change.previous() : emptyElement(c.getKey(), change.vr()));
          if (change.next() == null) {
            removed.add(c.getKey());
          } else {
            copy.put(change.next());
          }
        }
        if (!previous.isEmpty()) {
          records.add(record(previous, when, sourceAe(i), byReviewer ? "CORRECT" : "COERCE"));
        }
      }
      out.put(i.file().sopInstanceUid(), new MetadataOverlay(copy, removed, records));
    }
    return out;
  }

  /** The element an instance gets for the analysis's chosen value; null when the attribute is to be absent. */
  private static DicomElement element(Analysis a, VR vr, Obs target) throws Unencodable {
    int tag = a.attribute.tag();
    if (a.chosen == null) {
      return null;
    }
    SpecificCharacterSet to = target.inst().cs();
    if (a.source != null && a.source.element() != null) {
      DicomElement from = a.source.element();
      SpecificCharacterSet fromCs = a.source.inst().cs();
      if (ValueText.sameCharset(fromCs, to) || !from.vr().isText() && !from.isSequence()) {
        return from;
      }
      if (from.isSequence()) {
        List<DataSet> items = new ArrayList<>();
        for (DataSet item : from.items()) {
          items.add(recode(item, fromCs, to));
        }
        return DicomElement.ofItems(tag, items);
      }
      return DicomElement.ofBytes(tag, from.vr(), encode(a.chosen, from.vr(), to));
    }
    if (!vr.isText()) {
      // Only reachable for an empty chosen value of a non-text attribute.
      return vr == VR.SQ ? DicomElement.ofItems(tag, List.of()) : DicomElement.ofBytes(tag, vr, new byte[0]);
    }
    VR own = target.element() != null && target.element().vr().isText() ? target.element().vr() : vr;
    return DicomElement.ofBytes(tag, own, encode(a.chosen, own, to));
  }

  /** Text of a sequence item re-encoded from one character set to another; items with their own set are kept. */
  private static DataSet recode(DataSet item, SpecificCharacterSet from, SpecificCharacterSet to) throws Unencodable {
    if (item.contains(Tag.SpecificCharacterSet)) {
      return item;
    }
    DataSet out = new DataSet();
    for (DicomElement e : item.elements()) {
      if (e.isSequence()) {
        List<DataSet> items = new ArrayList<>();
        for (DataSet i : e.items()) {
          items.add(recode(i, from, to));
        }
        out.put(DicomElement.ofItems(e.tag(), items));
      } else if (e.vr().isText() && e.hasBytes() && e.tag() != Tag.SpecificCharacterSet) {
        String text = from.decode(e.bytes(), e.vr() == VR.PN);
        out.put(DicomElement.ofBytes(e.tag(), e.vr(), encode(text, e.vr(), to)));
      } else {
        out.put(e);
      }
    }
    return out;
  }

  /**
   * The value's bytes in the instance's character set, padded to even length.
   *
   * @throws Unencodable when the set cannot represent it (the default repertoire, and sets this job does not
   *     know, take ASCII only)
   */
  static byte[] encode(String value, VR vr, SpecificCharacterSet cs) throws Unencodable {
    String described = cs.terms().length == 0 ? "the default repertoire (no Specific Character Set)"
        : "Specific Character Set " + String.join("\\", cs.terms());
    if (cs.terms().length == 0 || !cs.isKnown()) {
      for (int i = 0; i < value.length(); i++) {
        if (value.charAt(i) >= 0x80) {
          throw new Unencodable("a character outside " + described);
        }
      }
    }
    byte[] bytes;
    try {
      bytes = cs.encode(value, vr == VR.PN);
    } catch (IllegalArgumentException e) {
      // The message quotes the value: not repeated (patient data).
      throw new Unencodable("a character outside " + described);
    }
    if (!cs.decode(bytes, vr == VR.PN).equals(value)) {
      throw new Unencodable("it does not survive " + described + " unchanged");
    }
    if (bytes.length % 2 == 1) {
      byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
      padded[bytes.length] = (byte) vr.paddingByte();
      bytes = padded;
    }
    return bytes;
  }

  private static DicomElement emptyElement(int tag, VR vr) {
    return vr == VR.SQ ? DicomElement.ofItems(tag, List.of()) : DicomElement.ofBytes(tag, vr, new byte[0]);
  }

  private static DataSet record(DataSet previous, String when, String sourceAe, String reason) {
    return new DataSet()
        .put(DicomElement.ofItems(MODIFIED_ATTRIBUTES_SEQUENCE, List.of(previous)))
        .put(ascii(ATTRIBUTE_MODIFICATION_DATE_TIME, VR.DT, when))
        .put(ascii(MODIFYING_SYSTEM_TAG, VR.LO, MODIFYING_SYSTEM))
        .put(ascii(SOURCE_OF_PREVIOUS_VALUES, VR.LO, sourceAe))
        .put(ascii(REASON_FOR_MODIFICATION, VR.CS, reason));
  }

  private static DicomElement ascii(int tag, VR vr, String value) {
    String v = value.length() % 2 == 1 ? value + " " : value;
    return DicomElement.ofBytes(tag, vr, v.getBytes(StandardCharsets.US_ASCII));
  }

  /** Source of Previous Values: the AE title that wrote the file (its meta), when given and plain ASCII. */
  private static String sourceAe(Inst i) {
    String ae = i.file().sourceAe();
    if ( !ae.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '\\')) {
      return "";
    }
    return ae;
  }

  /** The most recent instance creation of the study, else its study date and time, else the fallback. */
  private static String derivedDateTime(List<Inst> instances) {
    String newest = instances.stream().map(Inst::created).max(Comparator.naturalOrder()).orElse("");
    if (newest.isEmpty()) {
      newest = instances.stream().map(i -> dateTime(i.ds(), Tag.StudyDate, STUDY_TIME))
          .max(Comparator.naturalOrder()).orElse("");
    }
    return newest.isEmpty() || !DT.matcher(newest).matches() ? FALLBACK_DATE_TIME : newest;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reporting

  private static Finding finding(String studyUid, Analysis a) {
    Map<String, List<Obs>> byDisplay = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (Obs o : a.observations) {
      String k = o.display() == null ? "\u0000absent" : "\u0001" + o.display();
      if (!byDisplay.containsKey(k)) {
        order.add(k);
      }
      byDisplay.computeIfAbsent(k, x -> new ArrayList<>()).add(o);
    }
    List<Finding.ValueCount> values = new ArrayList<>();
    for (String k : order) {
      List<Obs> members = byDisplay.get(k);
      List<String> examples = members.stream().map(o -> o.inst().path()).sorted()
          .limit(Finding.ValueCount.EXAMPLES).toList();
      values.add(new Finding.ValueCount(members.get(0).display(), members.size(), examples, List.of()));
    }
    values.sort(Comparator.comparingLong(Finding.ValueCount::instances).reversed()
        .thenComparing(Finding.ValueCount::value, Comparator.nullsFirst(Comparator.naturalOrder())));
    Level level = a.attribute.level();
    return new Finding(studyUid, level, a.series, a.attribute.keyword(), a.attribute.tag(), a.severity, values,
        a.chosen, a.rule, a.resolution == null ? "" : a.resolution.reviewer(),
        a.resolution == null ? "" : a.resolution.comment(), "");
  }

  private static PatientSummary summary(String studyUid, List<Inst> instances,
      Map<String, MetadataOverlay> metadata) {
    Inst first = instances.get(0);
    MetadataOverlay changed = metadata.get(first.file().sopInstanceUid());
    DataSet ds = changed != null ? changed.applyTo(first.ds()) : first.ds();
    SpecificCharacterSet cs = first.cs();
    String id = display(ds, ReconciliationRules.PATIENT_ID, cs);
    if (id == null || id.isEmpty()) {
      return null;
    }
    return new PatientSummary(id, display(ds, ReconciliationRules.ISSUER_OF_PATIENT_ID, cs), studyUid,
        display(ds, ReconciliationRules.PATIENT_NAME, cs), display(ds, ReconciliationRules.PATIENT_BIRTH_DATE, cs),
        display(ds, ReconciliationRules.PATIENT_SEX, cs), instances.size(), first.path());
  }

  private static String display(DataSet ds, int tag, SpecificCharacterSet cs) {
    DicomElement e = ds.get(tag);
    return e == null || !ValueText.inMemory(e) ? null : ValueText.display(e, cs);
  }
}
