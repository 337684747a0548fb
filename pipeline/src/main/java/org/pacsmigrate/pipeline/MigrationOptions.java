package org.pacsmigrate.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The migration job's options, in Beam's {@code --name=value} syntax; {@code --help} lists them. */
public interface MigrationOptions extends PipelineOptions {

  @Description("Where the legacy PACS files are: a folder, or gs://bucket/prefix. Every file below it, at any "
      + "depth, is read and accounted for in the manifest. When absent, a small sample PACS is generated in "
      + "{output}/sample-input and migrated.")
  String getInput();

  void setInput(String value);

  @Description("Folder or gs://bucket/prefix that receives archive/{StudyInstanceUID}.zip (one ZIP per study) "
      + "and reports/ (manifest.csv, summary.json). Rerunning into the same folder is safe: ZIPs are rewritten to "
      + "the same bytes.")
  @Default.String("migration-output")
  String getOutput();

  void setOutput(String value);

  // Reconciliation (see README, "Reconciliation", and runbooks/review-conflicts.md).

  @Description("List, parse, reconcile and write the reports only; no archive is written. The manifest gives the "
      + "outcome a real run would (archived files carry the reason 'dry run: would be archived'), and "
      + "reports/conflicts.{csv,json,html} and resolutions-template.csv list what reconciliation found.")
  @Default.Boolean(false)
  boolean getDryRun();

  void setDryRun(boolean value);

  @Description("A reviewer's decisions: CSV with the header study,attribute,chosen,reviewer,comment[,series] (start "
      + "from reports/resolutions-template.csv). They override the reconciliation rules and release held studies; "
      + "a row that names no finding fails the job before any study is archived.")
  String getResolutions();

  void setResolutions(String value);

  @Description("The hospital's master patient index and/or RIS export: CSV whose header names DICOM keywords "
      + "(PatientID, IssuerOfPatientID, PatientName, PatientBirthDate, PatientSex, AccessionNumber, StudyDate, ...) "
      + "and MergedIntoPatientID. Its values win over the reconciliation rules (rule 'reference'); merged "
      + "PatientIDs become the surviving one. A bad file stops the run before anything is archived.")
  String getReference();

  void setReference(String value);

  @Description("With --reference: a study whose patient or accession the reference lacks is held (blocking) "
      + "instead of reported as a warning.")
  @Default.Boolean(false)
  boolean getRequireReference();

  void setRequireReference(boolean value);

  @Description("Attribute Modification DateTime (0400,0562) recorded in the audit trail of every changed instance, "
      + "a DICOM DT such as 20250131120000. It is part of the archived bytes: give the same value to every rerun. "
      + "Default: each study's most recent InstanceCreationDate/Time.")
  String getModificationDateTime();

  void setModificationDateTime(String value);

  @Description("A file listing the attributes reconciliation compares, one 'level<TAB>keyword' per line (levels "
      + "patient, study, series), replacing the built-in list reconciliation-attributes.tsv.")
  String getReconciliationAttributes();

  void setReconciliationAttributes(String value);

  @Description("How each study is written below {output}/archive/: zip (one {StudyInstanceUID}.zip per study) "
      + "or tree (the study's entries as separate files or objects at their WADO-RS paths, "
      + "studies/{StudyInstanceUID}/metadata and so on, to be served by plain HTTP GET; on Cloud Storage the "
      + "objects carry their Content-Type and Content-Encoding).")
  @Default.String("zip")
  String getLayout();

  void setLayout(String value);

  @Description("Guard against decompression bombs: a file in Deflated Explicit VR Little Endian whose data set "
      + "inflates to more than this many times its deflated size (and more than 1 MiB) is rejected, with the "
      + "ratio in the manifest, instead of being inflated into the archive. Real data sets compress 2:1 to 20:1; "
      + "a bomb about 1000:1.")
  @Default.Integer(200)
  int getMaxInflationRatio();

  void setMaxInflationRatio(int value);

  @Description("Follow symbolic links below --input (default: not followed; each link is a 'rejected' manifest "
      + "row saying what it points at). Followed, a link to a file reads that file under the link's path, a link to "
      + "a folder lists the folder; every file is read once, by its identity: a second path to a file already "
      + "listed is a 'duplicate' row naming the first, a link back into a folder that holds it (a loop) is a "
      + "'rejected' row, a dangling link too. Links that point out of the input are read only with this option.")
  @Default.Boolean(false)
  boolean getFollowLinks();

  void setFollowLinks(boolean value);

  @Description("Read every file and write every study again, whatever the output's index of earlier runs says "
      + "(default: a run into an output that holds an earlier run of the same source reads only new or changed "
      + "files and writes only their studies; see {output}/index/).")
  @Default.Boolean(false)
  boolean getFull();

  void setFull(boolean value);

  @Description("Make delta passes over and over, one starting every DURATION (30s, 15m, 2h, or ISO-8601 such as "
      + "PT15M; a pass that takes longer is followed at once by the next): keeps the archive in step with a legacy "
      + "PACS that still receives studies, up to cutover. Each pass is a whole run (archive, reports, index) of "
      + "what changed since the pass before, in the same JVM, so passes after the first start warm. Stop with "
      + "Ctrl-C (a pass stopped midway is resumed by the next run, like any stopped run) or with --passes. Needs "
      + "--input; not with --full, --dryRun or a gs:// output (they keep no index to build on).")
  String getEvery();

  void setEvery(String value);

  @Description("With --every: stop after this many passes (default: until stopped).")
  Integer getPasses();

  void setPasses(Integer value);
}
