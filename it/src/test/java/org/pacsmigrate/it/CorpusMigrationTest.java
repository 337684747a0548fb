package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/** The job over the shared corpus (pydicom's test files): real files nobody on this project wrote. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusMigrationTest {
  private static final String NOT_DICOM = "not readable as DICOM: not a DICOM file";
  private static final String NO_STUDY = "no Study Instance UID (0020,000D)";

  /**
   * The files the job must reject (by path under the corpus) and how their reason starts. Besides the four
   * broken files, the corpus holds files that are not instances of a study: pydicom's fragments for testing
   * the reader (sequences, character sets, meta variants) carry no Study Instance UID, which the archive needs
   * as the ZIP's name and in every entry path; and two text files.
   */
  static final Map<String, String> REJECTED = new TreeMap<>(Map.ofEntries(
      // Broken: Pixel Data claims more bytes than the file holds.
      Map.entry("pydicom/MR_truncated.dcm", "not readable as DICOM: (7FE0,0010) claims 8192 bytes"),
      // Broken: a sequence claims more bytes than the file holds.
      Map.entry("pydicom/rtplan_truncated.dcm", "not readable as DICOM: (300A,00B0) claims 976 bytes"),
      // Broken: a stray byte before the first element (dcmtk rejects it too).
      Map.entry("pydicom/no_meta.dcm", NOT_DICOM),
      // Number of Frames is "1A": frames cannot be located, and guessing would risk serving wrong pixels.
      Map.entry("pydicom/badVR.dcm", "frames cannot be located: Number of Frames (0028,0008) is not a positive"),
      // 128 bytes after the last frame: the archive keeps frames only, so it would drop them (issue 10).
      Map.entry("pydicom/MR_small_padded.dcm", "frames cannot be located: Pixel Data holds 8320 bytes but 1 "
          + "frame(s) of 64x64x1x16 bits (Rows x Columns x Samples per Pixel x Bits Allocated) need 8192"),
      // Data set fragments without Study Instance UID.
      Map.entry("pydicom/UN_sequence.dcm", NO_STUDY),
      Map.entry("pydicom/empty_charset_LEI.dcm", NO_STUDY),
      Map.entry("pydicom/meta_missing_tsyntax.dcm", NO_STUDY),
      Map.entry("pydicom/nested_priv_SQ.dcm", NO_STUDY),
      Map.entry("pydicom/no_meta_group_length.dcm", NO_STUDY),
      Map.entry("pydicom/priv_SQ.dcm", NO_STUDY),
      Map.entry("pydicom-charsets/chrSQEncoding.dcm", NO_STUDY),
      Map.entry("pydicom-charsets/chrSQEncoding1.dcm", NO_STUDY),
      // The corpus's own documentation.
      Map.entry("README.md", NOT_DICOM),
      Map.entry("pydicom-charsets/FileInfo.txt", NOT_DICOM)));

  private Path corpus;
  private MigrationOutput out;

  @BeforeAll
  void migrate(@TempDir Path output) throws Exception {
    corpus = Corpus.dir();
    out = MigrationOutput.migrate(corpus, output);
  }

  @Test
  void everyFileIsInTheManifestOnce() throws Exception {
    MigrationChecks.everyFileOnce(corpus, out);
  }

  @Test
  void theRejectedFilesAreExactlyTheBrokenOnesAndThoseWithoutAStudy() {
    Map<String, String> rejected = new TreeMap<>();
    for (ManifestRow row : out.rows()) {
      if (row.outcome() == Outcome.REJECTED) {
        rejected.put(corpus.relativize(Path.of(row.path())).toString(), row.reason());
      }
    }
    assertEquals(REJECTED.keySet(), rejected.keySet());
    REJECTED.forEach((file, reason) ->
        assertTrue(rejected.get(file).startsWith(reason), file + ": " + rejected.get(file)));
  }

  /**
   * The MR_small family: one SOP Instance UID in eight files. They tie on the number of attributes and have no
   * creation date, so the smallest path, MR_small.dcm, is archived. The big endian and implicit VR copies hold
   * the same values (byte order is encoding, not content): identical. The compressed ones (RLE, JPEG 2000,
   * JPEG-LS) hold other frame bytes: conflicting. The padded one (128 bytes after the last frame) is rejected:
   * the archive would not keep those bytes (issue 10).
   */
  @Test
  void theMrSmallFamilyIsOneArchivedInstanceAndItsDuplicates() {
    Map<String, ManifestRow> family = new TreeMap<>();
    for (ManifestRow r : out.rows()) {
      String name = Path.of(r.path()).getFileName().toString();
      if (name.startsWith("MR_small")) {
        family.put(name, r);
      }
    }
    assertEquals(8, family.size());
    ManifestRow kept = family.get("MR_small.dcm");
    assertEquals(Outcome.ARCHIVED, kept.outcome());
    assertEquals(Outcome.REJECTED, family.get("MR_small_padded.dcm").outcome());
    for (String name : List.of("MR_small_bigendian.dcm", "MR_small_expb.dcm", "MR_small_implicit.dcm")) {
      assertEquals(Outcome.DUPLICATE, family.get(name).outcome(), name);
      assertEquals("identical to " + kept.path(), family.get(name).reason(), name);
    }
    for (String name : List.of("MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm")) {
      assertEquals(Outcome.DUPLICATE, family.get(name).outcome(), name);
      assertEquals("conflicting duplicate of " + kept.path() + " (1 attribute differs: 7FE00010)",
          family.get(name).reason(), name);
    }
  }

  @Test
  void countsAddUp() throws Exception {
    MigrationChecks.countsAddUp(out);
  }

  @Test
  void everyArchivedInstanceIsInItsStudyZip() throws Exception {
    MigrationChecks.everyArchivedInstanceInItsZip(out);
    MigrationChecks.duplicatesNameTheKeptFile(out);
  }

  @Test
  void verifyPassesForEveryStudy() {
    MigrationChecks.verifyPasses(out, corpus);
  }
}
