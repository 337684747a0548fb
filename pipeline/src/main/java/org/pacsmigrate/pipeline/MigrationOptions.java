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

  @Description("How each study is written below {output}/archive/: zip (one {StudyInstanceUID}.zip per study) "
      + "or tree (the study's entries as separate files or objects at their WADO-RS paths, "
      + "studies/{StudyInstanceUID}/metadata and so on, to be served by plain HTTP GET; on Cloud Storage the "
      + "objects carry their Content-Type and Content-Encoding).")
  @Default.String("zip")
  String getLayout();

  void setLayout(String value);
}
