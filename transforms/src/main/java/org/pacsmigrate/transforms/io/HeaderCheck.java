package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Set;
import org.pacsmigrate.format.archive.ArchiveAdmission;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.RejectedFile;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;

/**
 * Reads one file's header and decides whether it can go into the archive: it must parse, its frames must be
 * locatable (checked now, so the write step does not discover it per study), and its Study, Series and SOP
 * Instance UIDs must be single, valid UIDs, since they become paths; and whatever else the study writer, export
 * and verify need of it must hold ({@link ArchiveAdmission}), so that one bad file is rejected alone instead of
 * failing its study's ZIP, and an archived instance can always be exported and verified. Anything else is a
 * rejection with a reason that names the problem, never an attribute value.
 */
public final class HeaderCheck {
  private final P10Reader reader;
  private final Set<Integer> recorded;

  /** Records what the standard reconciliation rules compare; the default inflation limit. */
  public HeaderCheck() {
    this(ParsedInstance.recordedTags(ReconciliationRules.standard()), P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio how far a deflated data set may inflate (see {@link P10Reader}) */
  public HeaderCheck(int maxInflationRatio) {
    this(ParsedInstance.recordedTags(ReconciliationRules.standard()), maxInflationRatio);
  }

  /**
   * @param recorded the top-level tags an accepted file's record keeps ({@link ParsedInstance#recordedTags})
   * @param maxInflationRatio how far a deflated data set may inflate (see {@link P10Reader})
   */
  public HeaderCheck(Set<Integer> recorded, int maxInflationRatio) {
    this.recorded = Set.copyOf(recorded);
    this.reader = new P10Reader(P10Reader.DEFAULT_BULK_THRESHOLD, maxInflationRatio);
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
    String problem = uidProblem(ds, Tag.StudyInstanceUID, "Study Instance UID (0020,000D)");
    if (problem != null) {
      return reject(path, size, "", problem);
    }
    problem = uidProblem(ds, Tag.SeriesInstanceUID, "Series Instance UID (0020,000E)");
    if (problem == null) {
      problem = uidProblem(ds, Tag.SOPInstanceUID, "SOP Instance UID (0008,0018)");
    }
    if (problem != null) {
      return reject(path, size, study, problem);
    }
    try {
      FrameLocator.locate(header);
    } catch (DicomParseException e) {
      return reject(path, size, study, "frames cannot be located: " + e.reason() + at(e));
    } catch (RuntimeException e) {
      return reject(path, size, study, "frame locator failed (please report): " + e.getClass().getName());
    }
    problem = ArchiveAdmission.problem(header, channel);
    if (problem != null) {
      return reject(path, size, study, problem);
    }
    return new Verdict(ParsedInstance.of(path, size, modified, header, recorded), null);
  }

  private static String uidProblem(DataSet ds, int tag, String what) {
    try {
      return ArchiveAdmission.singleUid(ds, tag, what) == null ? "no " + what : null;
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
