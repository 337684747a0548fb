package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.transforms.gcs.BucketResourceId;
import org.pacsmigrate.transforms.gcs.DefaultStorageFactory;
import org.pacsmigrate.transforms.gcs.StorageFactory;

/**
 * Where study ZIPs go: {@code {output}/archive/{StudyInstanceUID}.zip}, for a local folder or
 * {@code gs://bucket/prefix}. Locally the writer builds the ZIP under a temporary name next to the target and
 * moves it into place; on Cloud Storage it is built in a local temporary file, uploaded as one object (visible
 * only once complete), and the file is deleted. Either way a crash never leaves a partial ZIP under its final
 * name, and a rerun writes the same bytes.
 */
public final class ArchiveStore implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  static final String ZIP_CONTENT_TYPE = "application/zip";

  private final String output;
  private final Class<? extends StorageFactory> gcsClientFactory;

  private ArchiveStore(String output, Class<? extends StorageFactory> gcsClientFactory) {
    this.output = output;
    this.gcsClientFactory = gcsClientFactory;
  }

  /** One ZIP per study below {@code output}; gs:// through Google's default client. */
  public static ArchiveStore under(String output) {
    return under(output, DefaultStorageFactory.class);
  }

  /**
   * @param output the job's output: a local folder or {@code gs://bucket[/prefix]}
   * @param gcsClientFactory makes the Cloud Storage client for a gs:// output (the job's
   *     {@code --gcsClientFactory}); unused for a local one
   */
  public static ArchiveStore under(String output, Class<? extends StorageFactory> gcsClientFactory) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    if (output.startsWith("gs://")) {
      BucketResourceId.parse(output, true); // fails here, before the job starts, on a malformed location
      return new ArchiveStore(output, gcsClientFactory);
    }
    if (URL_SCHEME.matcher(output).find() && !output.startsWith("file://")) {
      throw new IllegalArgumentException("archives are written to a local folder or gs://, not to " + output);
    }
    return new ArchiveStore(output.startsWith("file://") ? output.substring("file://".length()) : output,
        gcsClientFactory);
  }

  private boolean inBucket() {
    return output.startsWith("gs://");
  }

  /** The local ZIP of a study (local output). */
  public Path target(String studyUid) {
    return Path.of(output, "archive", ArchiveLayout.zipName(studyUid));
  }

  ArchiveDestination destination() {
    if (inBucket()) {
      BucketResourceId archive = BucketResourceId.parse(output, true)
          .resolve("archive/", StandardResolveOptions.RESOLVE_DIRECTORY);
      return new BucketDestination(archive.bucket(), archive.object(), gcsClientFactory);
    }
    return new LocalDestination(Path.of(output, "archive").toAbsolutePath().normalize());
  }

  /** Writes the study's ZIP; returns what was written. */
  public StudyArchiveWriter.Result write(String studyUid, List<ArchiveInstance> instances) throws IOException {
    StudyArchiveWriter writer = new StudyArchiveWriter();
    if (!inBucket()) {
      return writer.writeAtomically(studyUid, instances, target(studyUid));
    }
    // Bounded: one ZIP per study being written at once (one per worker thread), deleted right after upload.
    Path zip = Files.createTempFile("dicomweb-migrate-", ".zip");
    try {
      StudyArchiveWriter.Result result;
      try (FileChannel out = FileChannel.open(zip, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        result = writer.write(studyUid, instances, out);
      }
      destination().put(ArchiveLayout.zipName(studyUid), zip, new ArchiveDestination.Headers(ZIP_CONTENT_TYPE, null));
      return result;
    } finally {
      Files.deleteIfExists(zip);
    }
  }
}
