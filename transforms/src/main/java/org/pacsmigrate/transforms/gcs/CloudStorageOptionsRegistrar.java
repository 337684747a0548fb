package org.pacsmigrate.transforms.gcs;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;

/** Makes {@code --gcsClientFactory} known to Beam's option parser wherever this module is on the class path. */
public final class CloudStorageOptionsRegistrar implements PipelineOptionsRegistrar {
  @Override
  public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
    return List.of(CloudStorageOptions.class);
  }
}
