package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Set;
import org.pacsmigrate.format.archive.Uids;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;

/**
 * Reads one file's header and decides whether it can go into the archive: it must parse, its frames must be
 * locatable (checked now, so the write step does not discover it per study), and its Study, Series and SOP
 * Instance UIDs must be valid, since they become paths. Anything else is a rejection with a reason that names
 * the problem, never an attribute value.
 */
public final class HeaderCheck {
  private final P10Reader reader = new P10Reader();
  private final Set<Integer> recorded;

  /** Records what the standard reconciliation rules compare. */
  public HeaderCheck() {
    this(ParsedInstance.recordedTags(ReconciliationRules.standard()));
  }

  /** @param recorded the top-level tags an accepted file's record keeps ({@link ParsedInstance#recordedTags}) */
  public HeaderCheck(Set<Integer> recorded) {
    this.recorded = Set.copyOf(recorded);
  }

  /** Exactly one of the two is set. */
  public record Verdict(ParsedInstance parsed, RejectedFile rejected) {}

  public Verdict check(String path, long size, SeekableByteChannel channel) {
    return check(path, size, 0L, channel);
  }

  /** @param modified the file's modification time as listed (ms since the epoch; 0 when unknown) */
  public Verdict check(String path, long size, long modified, SeekableByteChannel channel) {
    DicomFile header;
    try {
      header = reader.read(path, channel);
    } catch (DicomParseException e) {
      return reject(path, size, "", "not readable as DICOM: " + e.reason() + at(e));
    } catch (IOException e) {
      return reject(path, size, "", "could not be read: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // A reader bug must not stop a migration of millions of files; the manifest shows it for follow-up.
      return reject(path, size, "", "reader failed (please report): " + e.getClass().getName());
    }
    DataSet ds = header.dataSet();
    String study = ds.asciiString(Tag.StudyInstanceUID);
    String problem = uidProblem(study, "Study Instance UID (0020,000D)");
    if (problem != null) {
      return reject(path, size, "", problem);
    }
    problem = uidProblem(ds.asciiString(Tag.SeriesInstanceUID), "Series Instance UID (0020,000E)");
    if (problem == null) {
      problem = uidProblem(ds.asciiString(Tag.SOPInstanceUID), "SOP Instance UID (0008,0018)");
    }
    if (problem != null) {
      return reject(path, size, study, problem);
    }
    try {
      FrameLocator.locate(header);
    } catch (DicomParseException e) {
      return reject(path, size, study, "frames cannot be located: " + e.reason() + at(e));
    }
    return new Verdict(ParsedInstance.of(path, size, modified, header, recorded), null);
  }

  private static String uidProblem(String uid, String what) {
    if (uid == null || uid.isEmpty()) {
      return "no " + what;
    }
    try {
      Uids.requireValid(uid, what);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String at(DicomParseException e) {
    return e.offset() >= 0 ? " (at byte " + e.offset() + ")" : "";
  }

  private static Verdict reject(String path, long size, String study, String reason) {
    return new Verdict(null, new RejectedFile(path, size, study, reason));
  }
}
