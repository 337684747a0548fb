package org.pacsmigrate.transforms.gcs;

import java.util.List;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Registers {@link BucketFileSystem} for gs:// with Beam (through META-INF/services), on the launcher and on every
 * worker. Beam refuses two file systems for one scheme, so Beam's own GCS file system
 * ({@code beam-sdks-java-extensions-google-cloud-platform-core}) must stay off the class path: pipeline/pom.xml
 * excludes it from the Flink runner, which is what brings it.
 */
public final class BucketFileSystemRegistrar implements FileSystemRegistrar {
  @Override
  public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
    return List.of(new BucketFileSystem(options.as(CloudStorageOptions.class).getGcsClientFactory()));
  }
}
