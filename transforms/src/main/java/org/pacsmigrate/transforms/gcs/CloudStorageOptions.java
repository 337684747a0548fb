package org.pacsmigrate.transforms.gcs;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How the job reaches Cloud Storage for gs:// locations; registered with Beam, so any runner knows it. */
public interface CloudStorageOptions extends PipelineOptions {

  @Description("Class (a StorageFactory with a public no-argument constructor) that makes the Cloud Storage "
      + "client for gs:// input and output. The default uses Google's client with Application Default "
      + "Credentials; see runbooks/run-on-gcs.md.")
  @Default.Class(DefaultStorageFactory.class)
  Class<? extends StorageFactory> getGcsClientFactory();

  void setGcsClientFactory(Class<? extends StorageFactory> value);
}
