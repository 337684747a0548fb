package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.io.OutputChannel;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.gcs.BucketResourceId;
import org.pacsmigrate.transforms.gcs.DefaultStorageFactory;
import org.pacsmigrate.transforms.gcs.StorageFactory;

/**
 * Where a study's archive goes, below {@code {output}/archive/}, for a local folder or {@code gs://bucket/prefix}:
 *
 * <ul>
 *   <li>{@link Layout#ZIP} (the default): {@code {StudyInstanceUID}.zip}. Locally the writer builds it under a
 *       temporary name next to the target and moves it into place; on Cloud Storage it is built in a local
 *       temporary file, then uploaded as one object (visible only once complete), then the file is deleted.</li>
 *   <li>{@link Layout#TREE}: the ZIP's entries as files or objects at their WADO-RS paths
 *       ({@code studies/{uid}/metadata}, {@code .../frames/1}, ...), for serving by plain HTTP GET. Objects get
 *       the headers a client needs ({@link StudyTree}). The ZIP is built in a local temporary file first, so the
 *       entries are the same bytes in both layouts.</li>
 * </ul>
 *
 * Either way a crash never leaves a partial ZIP, file or object under a final name, and a rerun writes the same
 * bytes. In the tree, a study's metadata is written last, so a study is listed only once all its entries are in
 * place.
 *
 * <p>Every failure to write (the ZIP, the local temporary file, a file or object of the destination) is an
 * {@link OutputWriteException}: the job's failure. Any other exception of {@link #write} is about the study's
 * sources.
 */
public final class ArchiveStore implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  static final String ZIP_CONTENT_TYPE = "application/zip";

  /** How the archive is laid out below {@code {output}/archive/}. */
  public enum Layout {
    ZIP, TREE;

    /** "zip" or "tree", in any case. */
    public static Layout parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("--layout must be zip or tree, not " + name);
      }
    }
  }

  private final String output;
  private final Layout layout;
  private final Class<? extends StorageFactory> gcsClientFactory;

  private ArchiveStore(String output, Layout layout, Class<? extends StorageFactory> gcsClientFactory) {
    this.output = output;
    this.layout = layout;
    this.gcsClientFactory = gcsClientFactory;
  }

  /** One ZIP per study below {@code output}; gs:// through Google's default client. */
  public static ArchiveStore under(String output) {
    return under(output, Layout.ZIP, DefaultStorageFactory.class);
  }

  /**
   * @param output the job's output: a local folder or {@code gs://bucket[/prefix]}
   * @param gcsClientFactory makes the Cloud Storage client for a gs:// output (the job's
   *     {@code --gcsClientFactory}); unused for a local one
   */
  public static ArchiveStore under(String output, Layout layout, Class<? extends StorageFactory> gcsClientFactory) {
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("an output folder is required");
    }
    if (output.startsWith("gs://")) {
      BucketResourceId.parse(output, true); // fails here, before the job starts, on a malformed location
      return new ArchiveStore(output, layout, gcsClientFactory);
    }
    if (URL_SCHEME.matcher(output).find() && !output.startsWith("file://")) {
      throw new IllegalArgumentException("archives are written to a local folder or gs://, not to " + output);
    }
    return new ArchiveStore(output.startsWith("file://") ? output.substring("file://".length()) : output, layout,
        gcsClientFactory);
  }

  public Layout layout() {
    return layout;
  }

  private boolean inBucket() {
    return output.startsWith("gs://");
  }

  /** The local ZIP of a study (local output, ZIP layout). */
  public Path target(String studyUid) {
    return Path.of(output, "archive", ArchiveLayout.zipName(studyUid));
  }

  /**
   * The local file that stands for a study's archive once written: its ZIP, or in the tree its metadata (written
   * last). Null for a bucket, where a delta run does not look.
   */
  public Path stampedFile(String studyUid) {
    if (inBucket()) {
      return null;
    }
    return layout == Layout.ZIP ? target(studyUid) : Path.of(output, "archive", ArchiveLayout.metadataPath(studyUid));
  }

  ArchiveDestination destination() {
    if (inBucket()) {
      BucketResourceId archive = BucketResourceId.parse(output, true)
          .resolve("archive/", StandardResolveOptions.RESOLVE_DIRECTORY);
      return new BucketDestination(archive.bucket(), archive.object(), gcsClientFactory);
    }
    return new LocalDestination(Path.of(output, "archive").toAbsolutePath().normalize());
  }

  /**
   * Writes the study; returns what was written, with {@code bytes} the ZIP's length (ZIP layout) or the total
   * of the tree's entries (tree layout).
   */
  public StudyArchiveWriter.Result write(String studyUid, List<ArchiveInstance> instances) throws IOException {
    StudyArchiveWriter writer = new StudyArchiveWriter();
    if (layout == Layout.ZIP && !inBucket()) {
      return writer.writeAtomically(studyUid, instances, target(studyUid));
    }
    // Bounded: one ZIP per study being written at once (one per worker thread), deleted right after.
    Path zip;
    try {
      zip = Files.createTempFile("dicomweb-migrate-", ".zip");
    } catch (IOException e) {
      throw OutputWriteException.of("a temporary file in " + System.getProperty("java.io.tmpdir"), e);
    }
    try {
      StudyArchiveWriter.Result result;
      try (OutputChannel out = new OutputChannel(FileChannel.open(zip, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING), zip.toString())) {
        result = writer.write(studyUid, instances, out);
      }
      // From here on only the output is read or written: the study's ZIP is complete.
      String where = output + (output.endsWith("/") ? "" : "/") + "archive/";
      try {
        ArchiveDestination destination = destination();
        if (layout == Layout.ZIP) {
          destination.put(ArchiveLayout.zipName(studyUid), zip,
              new ArchiveDestination.Headers(ZIP_CONTENT_TYPE, null));
          return result;
        }
        long bytes = StudyTree.unpack(zip, studyUid, destination);
        return new StudyArchiveWriter.Result(bytes, result.instances(), result.frames(), result.bulkValues());
      } catch (IOException e) {
        throw OutputWriteException.of(where + (layout == Layout.ZIP ? ArchiveLayout.zipName(studyUid)
            : ArchiveLayout.studyFolder(studyUid)), e);
      } catch (RuntimeException e) {
        // A storage client's unchecked failure (an upload refused, say) is the output's too.
        throw new OutputWriteException(where, e);
      }
    } finally {
      Files.deleteIfExists(zip);
    }
  }
}
