package org.pacsmigrate.it.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveExporter;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.SourceOpener;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.archive.Uids;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.P10Reader;

/**
 * An independent check of the archive round trip (issue 3): every archivable corpus file is written into a
 * study ZIP, the ZIP is unzipped with the system {@code unzip}, the unzipped DICOMweb tree is opened and every
 * instance exported to Part 10; then third-party tools, not the project's own reader, judge each export against
 * its source.
 *
 * <p><b>Which files.</b> Every corpus file the project reads and can archive (valid Study, Series and SOP
 * Instance UIDs, locatable frames); the others are listed on stderr with the reason. Files are grouped into
 * studies by Study Instance UID, one file per SOP Instance UID in a ZIP; files that share a SOP Instance UID (the
 * {@code MR_small*}, {@code rtdose*} and {@code liver*} families in several transfer syntaxes) go into successive
 * rounds, so that every file, big endian, deflated and implicit VR ones included, is checked once. Each round's
 * ZIPs are unzipped into one folder, which must hold exactly the ZIPs' entry names ({@code unzip -Z1}) under
 * {@code studies/{uid}/}, with a gzip {@code metadata} per study and {@code frames/1} per image; each study is
 * opened from that tree by UID ({@code StudyArchive.open(tree, studyUid)}) and exported.
 *
 * <p><b>Attributes (dcmtk).</b> {@code dcmdump +U8 +L +uc -Un +W dir} on the source and on the export: values
 * affected by Specific Character Set converted to UTF-8 ({@code +U8}: the comparison does not depend on how a
 * character set encodes a value), every value in full ({@code +L}), defined-length UN elements of known tags
 * shown with their real VR ({@code +uc}), UIDs as numbers ({@code -Un}), pixel data written to files instead of
 * printed ({@code +W}). Two fallbacks for sources dcmtk cannot otherwise read, both reported on stderr: when its
 * iconv cannot convert the character set (ISO 2022 IR 87, in the Japanese files) both dumps are made
 * without {@code +U8}, comparing values as stored, which is stricter; when the data set is encoded in another VR
 * mode than its transfer syntax says ({@code SC_rgb_jpeg.dcm}: implicit VR under JPEG Baseline) the source is
 * dumped with dcmtk's own recovery option {@code -vr}. Only the data set is compared (the export writes its own
 * file meta); a value with line breaks is one entry, CR and LF kept apart. Normalisations, applied to both:
 * <ol>
 *   <li>The length column is dropped: lengths follow the encoding (defined vs undefined lengths of sequences and
 *       items, padding to even length), not the attribute.
 *   <li>Item and sequence delimitation lines ({@code (fffe,e00d)}, {@code (fffe,e0dd)}) are dropped and
 *       "Sequence/Item with undefined/explicit length #=n" reads "Sequence/Item #=n": delimiters exist only with
 *       undefined lengths, and dcmdump prints "for re-encoding" ones for defined lengths.
 *   <li>Group length elements {@code (gggg,0000)} are dropped: they describe the encoding, and the archive
 *       leaves them out (README, "The archive").
 *   <li>Data Set Trailing Padding {@code (fffc,fffc)} is dropped: padding, which the archive leaves out.
 *   <li>Text values lose what PS3.5 6.2 calls insignificant: trailing spaces of every text VR, leading spaces
 *       of AE, CS, DS, IS, LO and SH, and in PN trailing empty components and component groups ("A^B^^=" is
 *       "A^B"; DICOM JSON, PS3.18 F.2.2, has no way to keep an empty group). A value left empty reads "(no value
 *       available)" with VM 0. Seen in the corpus: ImageType "DERIVED \PRIMARY\AXIAL" exported as
 *       "DERIVED\PRIMARY\AXIAL", PatientName "Wang^XiaoDong=王^小東=" exported without the final "=".
 *   <li>The top-level Pixel Data and its items become one line, with the VR for native data and "OB
 *       encapsulated" for encapsulated data (the export re-cuts fragments to one per frame, and an encapsulated
 *       OW Pixel Data holds the same bytes); the bytes are compared frame by frame, below.
 *   <li>Other values that {@code +W} wrote to files (Pixel Data nested in a sequence, such as an icon) read as
 *       their length and a digest of their bytes.
 * </ol>
 * Not normalised, so compared: the VR of every other element, values of every VR (numbers, binary values in
 * hex, private elements), sequence nesting and item counts, and Available Transfer Syntax UID {@code (0008,3002)},
 * which the archive adds to the metadata and the export must remove again. dcmtk's parse warnings on the export
 * must all be ones it also gives on the source.
 *
 * <p><b>Pixel data.</b> From the {@code +W} files, which dcmtk writes little endian; for a big endian source the
 * reference is dcmtk's own conversion, {@code dcmconv +te}, dumped the same way. Native: the export must equal
 * the source for every byte the frames cover (Rows x Columns x Samples per Pixel (2 for YBR_*_422) x Bits
 * Allocated x Number of Frames bits, read from the dump) and hold no more than those bytes plus one pad byte;
 * a source with more than one byte past its frames (such as {@code MR_small_padded.dcm}, 128 bytes) must not
 * be archivable at all (issue 10: the archive would drop them), and is a failure if it gets here.
 * Encapsulated: the export must hold one fragment per frame behind a Basic Offset Table that points at them, and
 * each fragment must equal the source's frame, delimited without the project's code: one fragment per frame,
 * all fragments for a single frame, or split by the source's Basic Offset Table.
 *
 * <p><b>IOD (dicom3tools).</b> {@code dciodvfy} on the source and on the export; the error lines (starting with
 * "Error", or an element followed by "Error - ") are compared as sets, the file's path removed; the export must
 * have no error the source does not also have. Warnings are not compared. dciodvfy cannot inflate a deflated
 * source (it stops with "Dicom dataset read failed"), so there the reference is dcmtk's inflated copy,
 * {@code dcmconv +te}.
 *
 * <p>{@link #theOracleReportsAChangedValueAndChangedPixels} shows that the comparison is not blind. Pass
 * {@code -Doracle.work=DIR} to keep the ZIPs, trees, exports and normalised dumps for inspection.
 */
class ArchiveOracleTest {
  private static final String DCMDUMP = "/usr/bin/dcmdump";
  private static final String DCMCONV = "/usr/bin/dcmconv";
  private static final String DCMODIFY = "/usr/bin/dcmodify";
  private static final String DCIODVFY = "/usr/bin/dciodvfy";
  private static final String UNZIP = "/usr/bin/unzip";
  private static final String EXPLICIT_BIG_ENDIAN = "1.2.840.10008.1.2.2";

  private static final AtomicLong LINES = new AtomicLong();
  private static final AtomicLong FRAMES = new AtomicLong();
  private static final AtomicLong PIXEL_BYTES = new AtomicLong();

  @TempDir static Path tempDir;
  private static Path work;

  /** One element as dcmdump prints it: indent, tag, VR, value (may span lines), "# length, VM name". */
  private static final Pattern ELEMENT = Pattern.compile(
      "^( *)\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (\\S\\S) (.*) +# *(u/l|\\d+), *(\\d+) ([^\n]+)$", Pattern.DOTALL);
  private static final Pattern ELEMENT_START = Pattern.compile("^ *\\([0-9a-f]{4},[0-9a-f]{4}\\) \\S\\S ");

  @BeforeAll
  static void workDir() throws IOException {
    // -Doracle.work=DIR keeps the ZIPs, trees, exports and tool outputs for inspection.
    String keep = System.getProperty("oracle.work");
    work = keep != null && !keep.isBlank() ? Files.createDirectories(Path.of(keep)) : tempDir;
  }

  @TestFactory
  Stream<DynamicTest> everyArchivableCorpusFileExportsEqualToItsSourceForDcmtkAndDicom3tools() throws Exception {
    Path corpus = corpusDir();
    requireTools();
    long start = System.nanoTime();
    LINES.set(0);
    FRAMES.set(0);
    PIXEL_BYTES.set(0);
    List<Source> sources = new ArrayList<>();
    List<String> notArchived = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(corpus)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
        String why = null;
        DicomFile parsed = null;
        try {
          parsed = new P10Reader().read(file);
          why = notArchivableBecause(parsed);
        } catch (IOException | RuntimeException e) {
          why = "the project's reader rejects it: " + e.getMessage();
        }
        if (why != null) {
          notArchived.add(corpus.relativize(file) + " (" + why + ")");
        } else {
          sources.add(new Source(file, corpus.relativize(file).toString(), parsed));
        }
      }
    }
    System.err.println("ArchiveOracleTest: " + sources.size() + " archivable corpus files; not archived: "
        + notArchived.size());
    notArchived.forEach(s -> System.err.println("  not archived: " + s));

    // Rounds: the k-th file of each SOP Instance UID goes into round k, so a ZIP holds each SOP UID once.
    Map<String, Integer> seen = new TreeMap<>();
    List<Map<String, List<Source>>> rounds = new ArrayList<>();
    for (Source s : sources) {
      int round = seen.merge(s.sopUid(), 1, Integer::sum) - 1;
      while (rounds.size() <= round) {
        rounds.add(new TreeMap<>());
      }
      rounds.get(round).computeIfAbsent(s.studyUid(), k -> new ArrayList<>()).add(s);
    }
    Map<Source, Path> exports = new LinkedHashMap<>();
    int zips = 0;
    for (int r = 0; r < rounds.size(); r++) {
      Path roundDir = Files.createDirectories(work.resolve("round" + r));
      Path tree = Files.createDirectories(roundDir.resolve("tree"));
      Map<String, Set<String>> entries = new TreeMap<>();
      for (Map.Entry<String, List<Source>> study : rounds.get(r).entrySet()) {
        List<ArchiveInstance> instances = new ArrayList<>();
        for (Source s : study.getValue()) {
          instances.add(new ArchiveInstance(s.parsed(), SourceOpener.of(s.file())));
        }
        Path zip = roundDir.resolve(study.getKey() + ".zip");
        try {
          new StudyArchiveWriter().writeAtomically(study.getKey(), instances, zip);
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("writing study " + study.getKey() + " from "
              + study.getValue().stream().map(Source::name).toList() + ": " + e, e);
        }
        zips++;
        entries.put(study.getKey(), new TreeSet<>(run(List.of(UNZIP, "-Z1", zip.toString()), 0).stdoutLines()));
        run(List.of(UNZIP, "-q", "-o", zip.toString(), "-d", tree.toString()), 0);
      }
      checkTree(tree, entries, rounds.get(r));
      for (Map.Entry<String, List<Source>> study : rounds.get(r).entrySet()) {
        Path out = roundDir.resolve("export").resolve(study.getKey());
        List<Path> written;
        try (StudyArchive archive = StudyArchive.open(tree, study.getKey())) {
          written = new ArchiveExporter().export(archive, null, out);
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("exporting study " + study.getKey() + " ("
              + study.getValue().stream().map(Source::name).toList() + ") from the unzipped tree: " + e, e);
        }
        assertEquals(study.getValue().size(), written.size(), "instances exported from study " + study.getKey());
        for (Source s : study.getValue()) {
          Path exported = out.resolve(s.sopUid() + ".dcm");
          assertTrue(written.contains(exported), "export of " + s.name());
          exports.put(s, exported);
        }
      }
    }
    System.err.printf("ArchiveOracleTest: %d study ZIPs in %d rounds written, unzipped and exported in %d ms%n",
        zips, rounds.size(), (System.nanoTime() - start) / 1_000_000);

    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<Source, Path> e : exports.entrySet()) {
      Source s = e.getKey();
      tests.add(DynamicTest.dynamicTest(s.name(), () -> {
        List<String> problems = compare(s, e.getValue());
        if (!problems.isEmpty()) {
          fail(s.name() + " (" + s.parsed().transferSyntax().name() + ") exported as " + e.getValue()
              + " differs:\n  " + String.join("\n  ", problems));
        }
      }));
    }
    tests.add(DynamicTest.dynamicTest("summary", () -> System.err.printf(
        "ArchiveOracleTest: %d files checked with dcmdump and dciodvfy (%d dump lines, %d frames of %d bytes)"
        + " in %d ms in all%n", exports.size(), LINES.get(), FRAMES.get(), PIXEL_BYTES.get(),
        (System.nanoTime() - start) / 1_000_000)));
    return tests.stream();
  }

  /** The oracle is not blind: a changed value, a changed native pixel and a changed frame are all reported. */
  @Test
  void theOracleReportsAChangedValueAndChangedPixels() throws Exception {
    Path corpus = corpusDir();
    requireTools();
    for (String name : List.of("pydicom/MR_small.dcm", "pydicom/SC_rgb_rle_2frame.dcm")) {
      Path file = corpus.resolve(name);
      Source s = new Source(file, name, new P10Reader().read(file));
      Path dir = Files.createTempDirectory(work, "mutation");
      Path zip = dir.resolve(s.studyUid() + ".zip");
      new StudyArchiveWriter().writeAtomically(s.studyUid(),
          List.of(new ArchiveInstance(s.parsed(), SourceOpener.of(file))), zip);
      Path exported;
      try (StudyArchive archive = StudyArchive.open(zip)) {
        exported = new ArchiveExporter().export(archive, s.sopUid(), dir.resolve("export")).get(0);
      }
      assertEquals(List.of(), compare(s, exported), "the unchanged export of " + name);

      Path renamed = dir.resolve("renamed.dcm");
      Files.copy(exported, renamed);
      run(List.of(DCMODIFY, "-nb", "-m", "(0010,0010)=Changed^Name", renamed.toString()), 0);
      String problems = String.join("\n", compare(s, renamed));
      assertTrue(problems.contains("- (0010,0010) PN [") && problems.contains("+ (0010,0010) PN [Changed^Name]"),
          problems);

      // The last pixel byte: the file's last byte (native), or the last fragment's before the 8-byte delimiter.
      Path flipped = dir.resolve("flipped.dcm");
      byte[] bytes = Files.readAllBytes(exported);
      boolean encapsulated = s.parsed().transferSyntax().encapsulated();
      bytes[bytes.length - (encapsulated ? 9 : 1)] ^= 0x01;
      Files.write(flipped, bytes);
      problems = String.join("\n", compare(s, flipped));
      assertTrue(problems.contains(encapsulated ? "frame 2 differs" : "native Pixel Data differs"), problems);
    }
  }

  /**
   * Native frames of big endian sources are stored little endian (issue 11): each frame entry of the unzipped
   * tree, its framing stripped here without the project's code, is byte for byte what dcmtk's {@code dcmconv +te}
   * gives for that frame (OW swapped by 16-bit words, OB as stored), and it is labelled Explicit VR Little Endian.
   */
  @Test
  void bigEndianFramesInTheArchiveAreDcmconvsLittleEndianFrames() throws Exception {
    Path corpus = corpusDir();
    requireTools();
    int checked = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(corpus)) {
      files = walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    for (Path file : files) {
      DicomFile parsed;
      try {
        parsed = new P10Reader().read(file);
      } catch (IOException | RuntimeException e) {
        continue;
      }
      Source s = new Source(file, corpus.relativize(file).toString(), parsed);
      if (!s.bigEndian() || notArchivableBecause(parsed) != null || !parsed.dataSet().contains(Tag.PixelData)) {
        continue;
      }
      Path dir = Files.createTempDirectory(work, "big-endian");
      Path zip = dir.resolve(s.studyUid() + ".zip");
      new StudyArchiveWriter().writeAtomically(s.studyUid(),
          List.of(new ArchiveInstance(parsed, SourceOpener.of(file))), zip);
      Path tree = Files.createDirectories(dir.resolve("tree"));
      run(List.of(UNZIP, "-q", zip.toString(), "-d", tree.toString()), 0);
      Path converted = dir.resolve("dcmconv-te.dcm");
      run(List.of(DCMCONV, "+te", file.toString(), converted.toString()), 0);
      Dump reference = dump(converted, Files.createDirectories(dir.resolve("dcmconv")), false, false);
      byte[] expected = Files.readAllBytes(pixelData(reference.lines()).files().get(0));
      long frameCount = number(reference.lines(), "(0028,0008)", 1);
      long frameBytes = number(reference.lines(), "(0028,0010)", -1) * number(reference.lines(), "(0028,0011)", -1)
          * number(reference.lines(), "(0028,0002)", 1) * number(reference.lines(), "(0028,0100)", -1);
      Path frames = tree.resolve("studies/" + s.studyUid() + "/series/" + s.seriesUid() + "/instances/" + s.sopUid()
          + "/frames");
      for (int n = 1; n <= frameCount; n++) {
        byte[] entry = Files.readAllBytes(frames.resolve(String.valueOf(n)));
        String text = new String(entry, StandardCharsets.ISO_8859_1);
        int head = text.indexOf("\r\n\r\n") + 4;
        String partHeader = text.substring(text.indexOf("\r\n") + 2, head - 4);
        assertEquals("Content-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", partHeader,
            s.name() + " frame " + n);
        String boundary = text.substring(2, text.indexOf("\r\n"));
        byte[] body = Arrays.copyOfRange(entry, head, entry.length - ("\r\n--" + boundary + "--\r\n").length());
        // Frames of whole bytes (every big endian file in the corpus but Bits Allocated 1 ones, which are OB).
        long from = (frameBytes * (n - 1)) / 8;
        long to = (frameBytes * n + 7) / 8;
        assertArrayEquals(Arrays.copyOfRange(expected, (int) from, (int) to), body,
            s.name() + " frame " + n + " is dcmconv +te's");
        checked++;
      }
    }
    System.err.println("ArchiveOracleTest: " + checked + " big endian frames equal to dcmconv +te's");
    assertTrue(checked > 0, "the corpus has big endian frames");
  }

  private static void requireTools() {
    for (String tool : List.of(DCMDUMP, DCMCONV, DCMODIFY, DCIODVFY, UNZIP)) {
      if (!Files.isExecutable(Path.of(tool))) {
        skip(tool + " is not installed (apt-get install dcmtk dicom3tools unzip)");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Corpus and archive

  record Source(Path file, String name, DicomFile parsed) {
    String studyUid() {
      return parsed.dataSet().asciiString(Tag.StudyInstanceUID);
    }

    String sopUid() {
      return parsed.dataSet().asciiString(Tag.SOPInstanceUID);
    }

    String seriesUid() {
      return parsed.dataSet().asciiString(Tag.SeriesInstanceUID);
    }

    boolean bigEndian() {
      return EXPLICIT_BIG_ENDIAN.equals(parsed.transferSyntax().uid());
    }
  }

  private static Path corpusDir() {
    String dir = System.getProperty("corpus.dir", "");
    if (dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
      skip("the archive oracle needs -Dcorpus.dir=<path to shared/corpus> (got '" + dir + "')");
    }
    return Path.of(dir);
  }

  private static void skip(String why) {
    System.err.println("SKIPPED: ArchiveOracleTest: " + why);
    Assumptions.abort(why);
  }

  /** Why an archive cannot hold the file (the pipeline rejects it), or null when it can. */
  private static String notArchivableBecause(DicomFile f) {
    DataSet ds = f.dataSet();
    for (int tag : new int[] {Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID}) {
      String uid;
      try {
        uid = ds.asciiString(tag);
      } catch (RuntimeException e) {
        return String.format("(%04x,%04x) unreadable", tag >>> 16, tag & 0xFFFF);
      }
      if (!Uids.isValid(uid)) {
        return String.format("(%04x,%04x) %s", tag >>> 16, tag & 0xFFFF, Uids.problem(uid));
      }
    }
    try {
      FrameLocator.locate(f);
    } catch (IOException | RuntimeException e) {
      return "frames cannot be located: " + e.getMessage();
    }
    return null;
  }

  /** The unzipped round is one DICOMweb tree: exactly the ZIPs' entries, metadata gzipped, frames present. */
  private static void checkTree(Path tree, Map<String, Set<String>> entries, Map<String, List<Source>> studies)
      throws IOException {
    Set<String> expected = new TreeSet<>();
    entries.values().forEach(expected::addAll);
    Set<String> files;
    try (Stream<Path> walk = Files.walk(tree)) {
      files = walk.filter(Files::isRegularFile).map(p -> tree.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(expected, files, "the unzipped tree holds exactly the ZIPs' entries");
    for (Map.Entry<String, Set<String>> study : entries.entrySet()) {
      String prefix = "studies/" + study.getKey() + "/";
      for (String name : study.getValue()) {
        assertTrue(name.startsWith(prefix), "entry " + name + " of study " + study.getKey());
      }
      Path metadata = tree.resolve(prefix + "metadata");
      assertTrue(Files.isRegularFile(metadata), prefix + "metadata");
      try (InputStream in = Files.newInputStream(metadata)) {
        byte[] magic = in.readNBytes(2);
        assertTrue(magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B,
            prefix + "metadata is gzip");
      }
      for (Source s : studies.get(study.getKey())) {
        if (s.parsed().dataSet().contains(Tag.PixelData)) {
          String frame = prefix + "series/" + s.seriesUid() + "/instances/" + s.sopUid() + "/frames/1";
          assertTrue(Files.isRegularFile(tree.resolve(frame)), frame + " (" + s.name() + ")");
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // The comparison

  private static List<String> compare(Source s, Path exported) throws IOException, InterruptedException {
    List<String> problems = new ArrayList<>();
    Path dir = Files.createTempDirectory(work, "cmp");
    Path sourceRaw = Files.createDirectories(dir.resolve("source"));
    Path exportRaw = Files.createDirectories(dir.resolve("export"));
    boolean utf8 = true;
    Dump source = dump(s.file(), sourceRaw, true, false);
    if (source.exitCode() != 0 && source.stderr().contains("character encoding")) {
      // dcmtk's iconv cannot convert this Specific Character Set (ISO 2022 IR 87, for one): compare the
      // values as stored, which is stricter.
      System.err.println("note: " + s.name() + ": dcmdump +U8 cannot convert the source's character set ("
          + source.stderr().strip() + "); values are compared as stored");
      utf8 = false;
      source = dump(s.file(), sourceRaw, false, false);
    }
    if (source.exitCode() != 0 && source.stderr().contains("Non-standard VR")) {
      // A data set encoded in another VR mode than its transfer syntax says (implicit VR under an explicit
      // syntax): dcmtk's own recovery option reads it.
      System.err.println("note: " + s.name() + ": dcmdump cannot parse the source as its transfer syntax says ("
          + source.stderr().strip().replace('\n', ' ') + "); dumped with -vr (assume implicit VR)");
      source = dump(s.file(), sourceRaw, utf8, true);
    }
    if (source.exitCode() != 0) {
      problems.add("dcmtk cannot dump the source, so it cannot judge the export: " + source.stderr().strip());
      return problems;
    }
    Dump export = dump(exported, exportRaw, utf8, false);
    if (export.exitCode() != 0) {
      problems.add("dcmdump exits " + export.exitCode() + " on the export: " + export.stderr().strip());
    }
    // dcmtk's parse warnings: the export must give none that the source does not also give.
    Set<String> warnings = new LinkedHashSet<>(export.stderr().lines().map(String::strip)
        .filter(l -> !l.isEmpty()).map(l -> l.replace(exported.toString(), "<file>")).toList());
    warnings.removeAll(source.stderr().lines().map(String::strip).map(l -> l.replace(s.file().toString(), "<file>"))
        .toList());
    if (!warnings.isEmpty()) {
      problems.add("dcmdump warns on the export, not on the source:\n    " + String.join("\n    ", warnings));
    }
    List<String> a = normalise(source.lines(), sourceRaw);
    List<String> b = normalise(export.lines(), exportRaw);
    Files.write(dir.resolve("source.txt"), a);
    Files.write(dir.resolve("export.txt"), b);
    Files.writeString(dir.resolve("name.txt"), s.name());
    LINES.addAndGet(a.size());
    if (!a.equals(b)) {
      problems.add("dcmdump data sets differ after normalisation (- source, + export):\n    "
          + String.join("\n    ", diff(a, b)));
    }
    comparePixels(s, source, export, dir, problems);
    compareIod(s, exported, dir, problems);
    return problems;
  }

  record Dump(List<String> lines, String stderr, int exitCode) {}

  /** The data set part of dcmdump's output, pixel data written under {@code rawDir}. */
  private static Dump dump(Path file, Path rawDir, boolean utf8, boolean assumeImplicit)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(DCMDUMP, "+L", "+uc", "-Un", "+W", rawDir.toString(),
        file.toString()));
    if (utf8) {
      command.add(1, "+U8");
    }
    if (assumeImplicit) {
      command.add(1, "-vr");
    }
    Result r = run(command, -1);
    // One entry per element: a value with line breaks (LT, ST, UT...) spans several output lines, which are
    // split on LF only, so that a CR in a value stays a CR.
    List<String> lines = new ArrayList<>();
    StringBuilder element = null;
    boolean inDataSet = false;
    for (String line : r.stdout().split("\n", -1)) {
      if (line.startsWith("# Dicom-Data-Set") || line.startsWith("# Dicom-Meta-Information-Header")
          || line.startsWith("# Dicom-File-Format")) {
        inDataSet = line.startsWith("# Dicom-Data-Set");
      } else if (!inDataSet) {
        continue;
      } else if (ELEMENT_START.matcher(line).find()) {
        if (element != null) {
          lines.add(element.toString());
        }
        element = new StringBuilder(line);
        continue;
      } else if (element != null && !ELEMENT.matcher(element).matches()) {
        element.append('\n').append(line);
        continue;
      } else if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line); // not an element: kept as it is, so it must be equal too
      }
      if (element != null) {
        lines.add(element.toString());
        element = null;
      }
    }
    if (element != null) {
      lines.add(element.toString());
    }
    return new Dump(lines, r.stderr(), r.exitCode());
  }

  private static List<String> normalise(List<String> lines, Path rawDir) throws IOException {
    List<String> out = new ArrayList<>();
    boolean inTopPixelSequence = false;
    for (String line : lines) {
      Matcher m = ELEMENT.matcher(line);
      if (!m.matches()) {
        out.add("?? " + line.replace("\r", "\\r").replace("\n", "\\n"));
        continue;
      }
      String indent = m.group(1);
      String group = m.group(2);
      String element = m.group(3);
      String vr = m.group(4);
      String value = value(m);
      String vm = m.group(7);
      String name = m.group(8);
      String tag = "(" + group + "," + element + ")";
      if (inTopPixelSequence) {
        if (indent.isEmpty() && tag.equals("(fffe,e0dd)")) {
          inTopPixelSequence = false;
        }
        continue;
      }
      if (tag.equals("(fffe,e00d)") || tag.equals("(fffe,e0dd)") || element.equals("0000")
          || tag.equals("(fffc,fffc)")) {
        continue;
      }
      if (indent.isEmpty() && tag.equals("(7fe0,0010)")) {
        boolean encapsulated = value.startsWith("(PixelSequence");
        inTopPixelSequence = encapsulated;
        out.add(tag + " " + (encapsulated ? "OB encapsulated" : vr + " native")
            + " pixel data, compared frame by frame # " + name);
        continue;
      }
      value = value.replaceFirst("^\\((Sequence|Item) with (undefined|explicit) length (#=\\d+)\\)$", "($1 $3)");
      if (value.startsWith("[") && value.endsWith("]") && TEXT_VRS.contains(vr)) {
        value = text(vr, value.substring(1, value.length() - 1));
        if (value.isEmpty()) {
          value = "(no value available)";
          vm = "0";
        } else {
          value = "[" + value + "]";
        }
      }
      if (value.startsWith("=" + rawDir)) {
        Path raw = Path.of(value.substring(1));
        byte[] bytes = Files.readAllBytes(raw);
        value = "<" + bytes.length + " bytes written by +W, sha-256 " + sha256(bytes) + ">";
      }
      out.add((indent + tag + " " + vr + " " + value + " # " + vm + " " + name).replace("\r", "\\r")
          .replace("\n", "\\n"));
    }
    return out;
  }

  private static final Set<String> TEXT_VRS =
      Set.of("AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT");
  /** VRs whose leading spaces PS3.5 6.2 calls not significant. */
  private static final Set<String> LEADING_SPACES_INSIGNIFICANT = Set.of("AE", "CS", "DS", "IS", "LO", "SH");

  /** A text value as dcmdump shows it (between the brackets), without what PS3.5 6.2 calls insignificant. */
  private static String text(String vr, String value) {
    if (Set.of("LT", "ST", "UT", "UR").contains(vr)) {
      return value.replaceFirst(" +\\z", "");
    }
    String[] parts = value.split("\\\\", -1);
    for (int i = 0; i < parts.length; i++) {
      String v = parts[i].replaceFirst(" +\\z", "");
      if (LEADING_SPACES_INSIGNIFICANT.contains(vr)) {
        v = v.replaceFirst("\\A +", "");
      }
      if (vr.equals("PN")) {
        // Trailing empty components and component groups need no delimiters (PS3.5 6.2.1), and DICOM JSON
        // (PS3.18 F.2.2) cannot keep an empty group: "A^B^^=" and "A^B" are the same name.
        String[] groups = v.split("=", -1);
        for (int g = 0; g < groups.length; g++) {
          groups[g] = groups[g].replaceFirst("\\^+\\z", "");
        }
        v = String.join("=", groups).replaceFirst("=+\\z", "");
      }
      parts[i] = v;
    }
    String joined = String.join("\\", parts);
    return joined.replace("\\", "").isEmpty() && parts.length == 1 ? "" : joined;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Pixel data

  private static void comparePixels(Source s, Dump source, Dump export, Path dir, List<String> problems)
      throws IOException, InterruptedException {
    Dump reference = source;
    if (s.bigEndian()) {
      // dcmtk's own conversion to little endian is the reference for the export's swapped values.
      Path converted = dir.resolve("dcmconv-te.dcm");
      run(List.of(DCMCONV, "+te", s.file().toString(), converted.toString()), 0);
      reference = dump(converted, Files.createDirectories(dir.resolve("dcmconv")), false, false);
    }
    PixelData a = pixelData(reference.lines());
    PixelData b = pixelData(export.lines());
    if (a == null || b == null) {
      if (a != b) {
        problems.add("top-level Pixel Data: " + (a == null ? "only in the export" : "missing in the export"));
      }
      return;
    }
    int frames = (int) number(source.lines(), "(0028,0008)", 1);
    if (a.encapsulated() != b.encapsulated()) {
      problems.add("Pixel Data is " + (a.encapsulated() ? "encapsulated" : "native") + " in the source, "
          + (b.encapsulated() ? "encapsulated" : "native") + " in the export");
      return;
    }
    if (!a.encapsulated()) {
      byte[] x = Files.readAllBytes(a.files().get(0));
      byte[] y = Files.readAllBytes(b.files().get(0));
      long rows = number(source.lines(), "(0028,0010)", -1);
      long columns = number(source.lines(), "(0028,0011)", -1);
      long samples = number(source.lines(), "(0028,0002)", 1);
      long bits = number(source.lines(), "(0028,0100)", -1);
      String photometric = topLevelText(source.lines(), "(0028,0004)");
      if (samples == 3 && photometric != null && photometric.matches("YBR_(FULL|PARTIAL)_422")) {
        samples = 2;
      }
      long needed = rows > 0 && columns > 0 && bits > 0 ? (rows * columns * samples * bits * frames + 7) / 8
          : x.length;
      if (x.length < needed) {
        problems.add("source Pixel Data holds " + x.length + " bytes, frames need " + needed);
        return;
      }
      if (y.length < needed || y.length > needed + 1) {
        problems.add("exported native Pixel Data holds " + y.length + " bytes; the " + frames
            + " frame(s) need " + needed + " (the source holds " + x.length + ")");
      }
      if (x.length > needed + 1) {
        // Issue 10: bytes past the frames would be lost by the archive; such a source must not be archivable.
        problems.add("source Pixel Data has " + (x.length - needed) + " bytes past its frames, the export "
            + (y.length - needed) + ": a partial image was archived");
      }
      FRAMES.addAndGet(frames);
      PIXEL_BYTES.addAndGet(needed);
      int d = firstDifference(x, y, (int) Math.min(needed, Math.min(x.length, y.length)));
      if (d >= 0) {
        problems.add("native Pixel Data differs first at byte " + d + " of " + needed
            + (s.bigEndian() ? " (reference: dcmconv +te of the big endian source)" : ""));
      }
      return;
    }
    List<byte[]> sourceFrames = sourceFrames(a, frames, problems);
    List<byte[]> exportFragments = new ArrayList<>();
    for (Path p : b.files().subList(1, b.files().size())) {
      exportFragments.add(Files.readAllBytes(p));
    }
    if (exportFragments.size() != frames) {
      problems.add("export has " + exportFragments.size() + " fragments for " + frames + " frame(s)");
    }
    byte[] table = b.files().get(0) == null ? new byte[0] : Files.readAllBytes(b.files().get(0));
    long offset = 0;
    long[] expectedTable = new long[exportFragments.size()];
    for (int i = 0; i < exportFragments.size(); i++) {
      expectedTable[i] = offset;
      offset += 8 + exportFragments.get(i).length;
    }
    if (!Arrays.equals(expectedTable, uint32s(table))) {
      problems.add("export's Basic Offset Table " + Arrays.toString(uint32s(table))
          + " does not point at its fragments " + Arrays.toString(expectedTable));
    }
    if (sourceFrames == null) {
      return;
    }
    for (int i = 0; i < Math.min(sourceFrames.size(), exportFragments.size()); i++) {
      FRAMES.incrementAndGet();
      PIXEL_BYTES.addAndGet(sourceFrames.get(i).length);
      int d = firstDifference(sourceFrames.get(i), exportFragments.get(i),
          Math.max(sourceFrames.get(i).length, exportFragments.get(i).length));
      if (d >= 0) {
        problems.add("frame " + (i + 1) + " differs first at byte " + d + " (source " + sourceFrames.get(i).length
            + " bytes, export " + exportFragments.get(i).length + ")");
      }
    }
  }

  /** Top-level Pixel Data from a dump made with +W: one file (native) or the item files (BOT first). */
  record PixelData(boolean encapsulated, List<Path> files) {}

  private static PixelData pixelData(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = ELEMENT.matcher(lines.get(i));
      if (!m.matches() || !m.group(1).isEmpty() || !m.group(2).equals("7fe0") || !m.group(3).equals("0010")) {
        continue;
      }
      String value = value(m);
      if (!value.startsWith("(PixelSequence")) {
        if (!value.startsWith("=")) {
          throw new IllegalStateException("native Pixel Data not written by +W: " + lines.get(i));
        }
        return new PixelData(false, List.of(Path.of(value.substring(1))));
      }
      List<Path> items = new ArrayList<>();
      for (int j = i + 1; j < lines.size(); j++) {
        Matcher item = ELEMENT.matcher(lines.get(j));
        if (!item.matches() || item.group(1).isEmpty()) {
          break;
        }
        String v = value(item);
        // An empty item (an empty Basic Offset Table) has no file.
        items.add(v.startsWith("=") ? Path.of(v.substring(1)) : null);
      }
      return new PixelData(true, items);
    }
    return null;
  }

  /** The source's frames, delimited without the project's code (PS3.5 A.4). */
  private static List<byte[]> sourceFrames(PixelData p, int frames, List<String> problems) throws IOException {
    List<byte[]> fragments = new ArrayList<>();
    for (Path f : p.files().subList(1, p.files().size())) {
      fragments.add(f == null ? new byte[0] : Files.readAllBytes(f));
    }
    if (fragments.size() == frames) {
      return fragments;
    }
    if (frames == 1) {
      return List.of(concat(fragments, 0, fragments.size()));
    }
    long[] table = uint32s(p.files().get(0) == null ? new byte[0] : Files.readAllBytes(p.files().get(0)));
    if (table.length != frames) {
      problems.add("cannot delimit the source's " + frames + " frames in " + fragments.size()
          + " fragments without a Basic Offset Table");
      return null;
    }
    List<byte[]> out = new ArrayList<>();
    long offset = 0;
    int first = 0;
    for (int frame = 0; frame < frames; frame++) {
      long end = frame + 1 < frames ? table[frame + 1] : Long.MAX_VALUE;
      int i = first;
      while (i < fragments.size() && offset < end) {
        offset += 8 + fragments.get(i).length;
        i++;
      }
      out.add(concat(fragments, first, i));
      first = i;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // dciodvfy

  private static void compareIod(Source s, Path exported, Path dir, List<String> problems)
      throws IOException, InterruptedException {
    Path reference = s.file();
    if (s.parsed().transferSyntax().deflated()) {
      // dciodvfy cannot inflate ("Implicit VR encoding even though supposed to be explicit", then "Dicom dataset
      // read failed"): its reference is dcmtk's inflated copy of the source.
      reference = dir.resolve("dcmconv-te-inflated.dcm");
      run(List.of(DCMCONV, "+te", s.file().toString(), reference.toString()), 0);
    }
    Set<String> source = iodErrors(reference);
    Set<String> export = iodErrors(exported);
    Set<String> added = new LinkedHashSet<>(export);
    added.removeAll(source);
    if (!added.isEmpty()) {
      problems.add("dciodvfy errors in the export that the source does not have:\n    "
          + String.join("\n    ", added));
    }
  }

  private static Set<String> iodErrors(Path file) throws IOException, InterruptedException {
    Result r = run(List.of(DCIODVFY, file.toString()), -1);
    Set<String> errors = new LinkedHashSet<>();
    for (String line : (r.stdout() + "\n" + r.stderr()).split("\n")) {
      if (line.startsWith("Error") || line.contains(" Error - ")) {
        errors.add(line.strip().replace(file.toString(), "<file>"));
      }
    }
    return errors;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Helpers

  private static long number(List<String> lines, String tag, long missing) {
    String v = topLevelText(lines, tag);
    if (v == null || v.isBlank()) {
      return missing;
    }
    return Long.parseLong(v.strip().split("\\\\")[0].strip());
  }

  /** The value column of an {@link #ELEMENT} match, without the padding dcmdump adds before the comment. */
  private static String value(Matcher m) {
    return m.group(5).replaceFirst(" +\\z", "");
  }

  /** A top-level element's value as dcmdump prints it, brackets removed. */
  private static String topLevelText(List<String> lines, String tag) {
    for (String line : lines) {
      if (line.startsWith(tag)) {
        Matcher m = ELEMENT.matcher(line);
        if (m.matches()) {
          String v = value(m);
          return v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1)
              : v.startsWith("(no value") ? null : v;
        }
      }
    }
    return null;
  }

  private static long[] uint32s(byte[] b) {
    long[] out = new long[b.length / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = (b[4 * i] & 0xFFL) | (b[4 * i + 1] & 0xFFL) << 8 | (b[4 * i + 2] & 0xFFL) << 16
          | (b[4 * i + 3] & 0xFFL) << 24;
    }
    return out;
  }

  private static byte[] concat(List<byte[]> parts, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += parts.get(i).length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (int i = from; i < to; i++) {
      System.arraycopy(parts.get(i), 0, out, at, parts.get(i).length);
      at += parts.get(i).length;
    }
    return out;
  }

  /** The first index below {@code n} where the arrays differ (a missing byte differs), or -1. */
  private static int firstDifference(byte[] x, byte[] y, int n) {
    for (int i = 0; i < n; i++) {
      if (i >= x.length || i >= y.length || x[i] != y[i]) {
        return i;
      }
    }
    return -1;
  }

  private static String sha256(byte[] b) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(b);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        s.append(String.format("%02x", d[i]));
      }
      return s.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A line diff (longest common subsequence): "- " source only, "+ " export only, with 1 line of context. */
  private static List<String> diff(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> all = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        all.add("  " + a.get(i++));
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        all.add("+ " + b.get(j++));
      } else {
        all.add("- " + a.get(i++));
      }
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < all.size(); k++) {
      boolean near = false;
      for (int c = Math.max(0, k - 1); c <= Math.min(all.size() - 1, k + 1); c++) {
        near |= !all.get(c).startsWith("  ");
      }
      if (near) {
        out.add(all.get(k));
      } else if (!out.isEmpty() && !out.get(out.size() - 1).equals("  ...")) {
        out.add("  ...");
      }
    }
    return out;
  }

  record Result(String stdout, String stderr, int exitCode) {
    List<String> stdoutLines() {
      return stdout.lines().toList();
    }
  }

  /** Runs a command; {@code expectedExit} >= 0 makes any other exit code an error. */
  private static Result run(List<String> command, int expectedExit) throws IOException, InterruptedException {
    Path err = Files.createTempFile(work, "stderr", ".txt");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    // A tool that misparses a file can print gigabytes; 256 MiB is far more than any corpus dump needs.
    byte[] out = p.getInputStream().readNBytes(256 << 20);
    if (out.length == 256 << 20) {
      p.destroyForcibly();
      throw new IOException("more than 256 MiB of output: " + command);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    String stderr = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
    Files.delete(err);
    Result r = new Result(new String(out, StandardCharsets.UTF_8), stderr, p.exitValue());
    if (expectedExit >= 0 && r.exitCode() != expectedExit) {
      throw new IOException(command + " exited " + r.exitCode() + ": " + stderr);
    }
    return r;
  }
}
