package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.io.OutputChannel;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.io.PartialFiles;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.p10.BulkDataReader;
import org.pacsmigrate.format.p10.Frame;

/**
 * Writes one study's archive ZIP (README, "The archive"): the metadata, then per instance (by Series, then SOP
 * Instance UID) its frames 1..n and its bulk data by path. Frames and bulk ranges are copied from the sources
 * byte for byte (native values of a big endian source swapped to little endian by their VR's unit), streamed,
 * never held whole. The same instances always give the same bytes.
 *
 * <p>Everything that can make a study unarchivable (UIDs, a study mismatch, duplicate SOP Instance UIDs, frames
 * that cannot be located, metadata that cannot be encoded) is found before the first byte is written.
 *
 * <p>A failure to write the archive itself (the output channel, creating, forcing or moving the file) is an
 * {@link OutputWriteException}; any other exception is about the study's sources or data. The caller decides on
 * that difference alone: the first fails the job, the second rejects the study's files.
 */
public final class StudyArchiveWriter {

  /** What was written: the archive's length and how many instances, frame entries and bulk data entries. */
  public record Result(long bytes, int instances, int frames, int bulkValues) {}

  /** False: every archive through commons-compress, the reference {@link PlainZipWriter} is checked against. */
  private final boolean plainWhereItFits;

  public StudyArchiveWriter() {
    this(true);
  }

  StudyArchiveWriter(boolean plainWhereItFits) {
    this.plainWhereItFits = plainWhereItFits;
  }

  /**
   * Writes the archive to {@code out}, which must be empty; {@code out} is left open. Its failures are
   * {@link OutputWriteException}s (pass an {@link OutputChannel} to name the file in them).
   */
  public Result write(String studyUid, List<ArchiveInstance> instances, SeekableByteChannel out) throws IOException {
    return write(prepare(studyUid, instances), OutputChannel.of(out, "the archive of study " + studyUid));
  }

  /**
   * Writes {@code target} so that it either is the complete archive or is left as it was: the archive is written
   * to {@code target + ".partial"} in the same folder, forced to disk, and moved over {@code target} atomically.
   * On failure the partial file is deleted. Nothing is created when the study is refused.
   */
  public Result writeAtomically(String studyUid, List<ArchiveInstance> instances, Path target) throws IOException {
    Prepared prepared = prepare(studyUid, instances);
    Path folder = target.toAbsolutePath().getParent();
    if (folder != null) {
      try {
        Files.createDirectories(folder);
      } catch (IOException e) {
        throw OutputWriteException.of(folder.toString(), e);
      }
    }
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      Result result;
      try (OutputChannel out = new OutputChannel(PartialFiles.create(partial), partial.toString())) {
        result = write(prepared, out);
        out.force();
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw OutputWriteException.of(target.toString(), e);
      }
      forceFolder(target.toAbsolutePath().getParent());
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      PartialFiles.done(partial);
    }
  }

  private record Prepared(String studyUid, List<InstancePlan> plans, byte[] metadata) {}

  private static Prepared prepare(String studyUid, List<ArchiveInstance> instances) throws IOException {
    List<InstancePlan> plans = ArchivePlanner.plan(studyUid, instances);
    return new Prepared(studyUid, plans, MetadataEncoder.encode(plans));
  }

  private Result write(Prepared prepared, SeekableByteChannel out) throws IOException {
    String study = prepared.studyUid();
    int frames = 0;
    int bulkValues = 0;
    try (StoredZipWriter zip = plainWhereItFits ? new StoredZipWriter(out, plan(prepared)) : new StoredZipWriter(out)) {
      byte[] metadata = prepared.metadata();
      zip.entry(ArchiveLayout.metadataPath(study), metadata.length, o -> o.write(metadata));
      for (InstancePlan plan : prepared.plans()) {
        try (BulkDataReader reader = new BulkDataReader(plan.instance().source().open(), plan.file())) {
          DicomElement pixels = plan.pixelTag() == 0 ? null : plan.published().get(plan.pixelTag());
          int frameUnit = pixels == null || pixels.isEncapsulated() ? 1 : plan.swapUnit(pixels.vr());
          for (Frame frame : plan.frames()) {
            String name = ArchiveLayout.framePath(study, plan.seriesUid(), plan.sopUid(), frame.number());
            copy(zip, name, plan, plan.frameContentType(), frame.length(), o -> {
              for (BulkData range : frame.ranges()) {
                if (frameUnit > 1) {
                  BigEndianValues.copy(reader, pixels.bulk(), range, frameUnit, o);
                } else {
                  reader.copy(range, o);
                }
              }
            });
            frames++;
          }
          for (BulkValue value : plan.bulkValues()) {
            String name = ArchiveLayout.bulkDataPath(study, plan.seriesUid(), plan.sopUid(), value.path());
            // Values held in memory are little endian already; ranges of a big endian source are swapped.
            boolean inMemory = value.element().hasBytes();
            String type = Multipart.contentType(ArchiveLayout.OCTET_STREAM, plan.sourceByteOrder());
            int unit = plan.swapUnit(value.element().vr());
            copy(zip, name, plan, type, value.length(), o -> {
              if (inMemory) {
                o.write(value.element().bytes());
              } else {
                BulkData range = value.element().bulk();
                BigEndianValues.copy(reader, range, range, unit, o);
              }
            });
            bulkValues++;
          }
        }
      }
      return new Result(zip.finish(), prepared.plans().size(), frames, bulkValues);
    }
  }

  /** Every entry {@link #write(Prepared, SeekableByteChannel)} writes, by name and length, in its order. */
  private static StoredZipWriter.Plan plan(Prepared prepared) {
    String study = prepared.studyUid();
    StoredZipWriter.Plan plan = new StoredZipWriter.Plan();
    plan.add(ArchiveLayout.metadataPath(study), prepared.metadata().length);
    long tail = Multipart.tail().length;
    for (InstancePlan p : prepared.plans()) {
      long frameHead = Multipart.head(p.frameContentType()).length;
      for (Frame frame : p.frames()) {
        plan.add(ArchiveLayout.framePath(study, p.seriesUid(), p.sopUid(), frame.number()),
            frameHead + frame.length() + tail);
      }
      long bulkHead = Multipart.head(Multipart.contentType(ArchiveLayout.OCTET_STREAM, p.sourceByteOrder())).length;
      for (BulkValue value : p.bulkValues()) {
        plan.add(ArchiveLayout.bulkDataPath(study, p.seriesUid(), p.sopUid(), value.path()),
            bulkHead + value.length() + tail);
      }
    }
    return plan;
  }

  /** One part entry: head, the data {@code body} writes, tail. */
  private static void copy(StoredZipWriter zip, String name, InstancePlan plan, String contentType, long length,
      StoredZipWriter.Body body) throws IOException {
    byte[] head = Multipart.head(contentType);
    byte[] tail = Multipart.tail();
    try {
      zip.entry(name, head.length + length + tail.length, o -> {
        o.write(head);
        body.writeTo(o);
        o.write(tail);
      });
    } catch (OutputWriteException e) {
      throw e; // the output's failure, not the source's: it must not be reported as the source's
    } catch (IOException e) {
      throw new IOException(plan.source() + ": cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  /** Makes the rename durable; where a folder cannot be opened for sync (not POSIX) the move already is all there is. */
  private static void forceFolder(Path folder) {
    if (folder == null) {
      return;
    }
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort, see above.
    }
  }
}
