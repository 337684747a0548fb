package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import org.apache.beam.sdk.options.PipelineOptions;
import org.pacsmigrate.transforms.gcs.CloudStorageOptions;
import java.io.PrintStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.pacsmigrate.format.archive.ArchiveVerifier;
import org.pacsmigrate.format.archive.StudyArchive;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.io.SourceChannels;

/**
 * {@code verify --archive=OUTPUT --input=SOURCE}: checks a finished migration against its sources, study by
 * study. The manifest must account for every file under the input exactly once; each study (ZIP or tree) must hold
 * exactly the instances of the files the manifest calls {@code archived}, with the same content
 * ({@link ArchiveVerifier}). Prints one line per study and returns 1 when anything fails.
 */
final class VerifyCommand {
  static final String USAGE = """
      verify --archive=OUTPUT --input=SOURCE [--gcsClientFactory=CLASS]
        Checks the studies in OUTPUT/archive (*.zip, or the tree layout's studies/{uid}/) against the files of
        SOURCE that OUTPUT/reports/manifest.csv lists as archived, and that the manifest lists every file of
        SOURCE once. OUTPUT and SOURCE are folders or gs:// locations (--gcsClientFactory as for the job). One
        line per study; exit code 1 when any check fails.""";

  private VerifyCommand() {}

  static int run(String[] args, PrintStream out) throws IOException {
    if (CommandArgs.wantsHelp(args, 1)) {
      out.println(USAGE);
      return 0;
    }
    CommandArgs a = CommandArgs.parse(args, 1, Set.of("archive", "input", "gcsClientFactory"));
    String input = Locations.absolute(a.required("input"));
    String archive = Locations.absolute(a.required("archive"));
    // Beam's file systems are set up only for a bucket: building its options costs about half a second, and a
    // local folder is read without them (Beam knows local files from the start).
    if (isUrl(input) || isUrl(archive) || a.optional("gcsClientFactory") != null) {
      PipelineOptions options = PipelineOptionsFactory.create();
      if (a.optional("gcsClientFactory") != null) {
        try {
          options = PipelineOptionsFactory.fromArgs("--gcsClientFactory=" + a.optional("gcsClientFactory"))
              .as(CloudStorageOptions.class);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      }
      FileSystems.setDefaultPipelineOptions(options);
    }
    InputChecks.readableFolder(input);
    return verify(archive, input, out);
  }

  /**
   * @param output the job's output, a folder or gs://; what is in a bucket is copied to a local temporary folder
   *     one study at a time (its archive and its archived sources), verified there, and deleted
   * @param input the job's input, a folder or gs://
   */
  static int verify(String output, String input, PrintStream out) throws IOException {
    return verify(output, input, out, Runtime.getRuntime().availableProcessors());
  }

  /** @param threads how many sources and studies are checked at once; the output is the same for any number */
  static int verify(String output, String input, PrintStream out, int threads) throws IOException {
    int[] failures = {0};

    List<ManifestRow> manifest = readManifest(Reports.manifestPath(output));
    Set<String> missingFromSource = readMissingFromSource(Reports.missingFromSourcePath(output));
    // The count walks the input on a thread of its own while the sources are read again; its line still comes
    // first.
    PendingCount count = PendingCount.start(manifest, input);

    // Sources and studies are checked on all cores; lines come out in the order a single thread gives them.
    Map<String, List<String>> sourcesByStudy = new TreeMap<>();
    int[] sourceFailures = {0};
    List<ManifestRow> archived = manifest.stream().filter(r -> r.outcome() == Outcome.ARCHIVED).toList();
    // One check for all sources: building it parses the reconciliation rules, which costs more than a header.
    // These files were accepted by the job within its inflation limit; verification reads them whole.
    HeaderCheck headerCheck = new HeaderCheck(P10Reader.NO_INFLATION_LIMIT);
    try (OrderedParallel parallel = new OrderedParallel(threads, "verify-source")) {
      parallel.forEach(archived, row -> () -> checkSource(headerCheck, row), checked -> {
        failures[0] += count.printOnce(out);
        if (checked.failure() != null) {
          out.println(checked.failure());
          sourceFailures[0]++;
        } else {
          sourcesByStudy.computeIfAbsent(checked.study(), k -> new ArrayList<>()).add(checked.path());
        }
      });
    }
    failures[0] += count.printOnce(out);
    failures[0] += sourceFailures[0];

    String archiveDir = (output.endsWith("/") ? output : output + "/") + "archive/";
    // Hidden names are temporary files a crashed writer may have left: never a study's ZIP.
    List<String> zips = list(archiveDir, "*.zip").stream()
        .filter(z -> !z.substring(z.lastIndexOf('/') + 1).startsWith(".")).sorted().toList();
    // The tree layout (--layout=tree): archive/studies/{uid}/metadata and the entries below it.
    List<String> treeStudies = list(archiveDir, "studies/*/metadata").stream()
        .map(m -> m.substring(0, m.length() - "/metadata".length()))
        .map(d -> d.substring(d.lastIndexOf('/') + 1)).sorted().toList();
    Set<String> seen = new HashSet<>();
    int[] counts = {0, failures[0]}; // studies OK, failures
    int studies = zips.size() + treeStudies.size();
    List<Integer> order = java.util.stream.IntStream.range(0, studies).boxed().toList();
    Path work = Files.createTempDirectory("dicomweb-migrate-verify-");
    try (OrderedParallel parallel = new OrderedParallel(threads, "verify-study")) {
      parallel.forEach(order, i -> () -> checkStudy(i, zips, treeStudies, archiveDir, sourcesByStudy,
          missingFromSource, work),
          checked -> {
            // Decided in study order, as one thread would: the first of two copies of a study is the one checked.
            if (checked.study() != null && !seen.add(checked.study())) {
              out.println("STUDY FAILED " + checked.study() + ": archived twice (as a ZIP and in the tree)");
              counts[1]++;
              return;
            }
            out.println(checked.line());
            if (checked.ok()) {
              counts[0]++;
            } else {
              counts[1]++;
            }
          });
    } finally {
      deleteTree(work);
    }
    int ok = counts[0];
    int failed = counts[1];
    for (String study : sourcesByStudy.keySet()) {
      if (!seen.contains(study)) {
        out.println("STUDY FAILED " + study + ": " + sourcesByStudy.get(study).size()
            + " archived file(s) but no ZIP");
        failed++;
      }
    }
    out.println("verify: " + ok + " of " + studies + " studies OK, " + failed + " failure(s)");
    return failed == 0 ? 0 : 1;
  }

  /** A source the manifest calls archived, read again: its study, or why it cannot be checked. */
  private record CheckedSource(String path, String study, String failure) {}

  private static CheckedSource checkSource(HeaderCheck headerCheck, ManifestRow row) {
    HeaderCheck.Verdict v;
    try (SeekableByteChannel channel = SourceChannels.open(row.path())) {
      v = headerCheck.check(row.path(), row.size(), channel);
    } catch (IOException e) {
      return new CheckedSource(row.path(), null, "SOURCE FAILED " + row.path() + ": archived, but now unreadable: "
          + e.getMessage());
    }
    if (v.parsed() == null) {
      return new CheckedSource(row.path(), null, "SOURCE FAILED " + row.path() + ": archived, but now "
          + v.rejected().reason());
    }
    return new CheckedSource(row.path(), v.parsed().studyUid(), null);
  }

  /** One study's line; {@code study} is null when its archive cannot be opened. */
  private record CheckedStudy(String study, String line, boolean ok) {}

  /** The i-th study (ZIPs first, then the tree's studies) against its sources, in a staging folder of its own. */
  private static CheckedStudy checkStudy(int i, List<String> zips, List<String> treeStudies, String archiveDir,
      Map<String, List<String>> sourcesByStudy, Set<String> missingFromSource, Path work) throws IOException {
    Path staged = Files.createDirectories(work.resolve("study-" + i));
    String where = i < zips.size() ? zips.get(i) : archiveDir + "studies/" + treeStudies.get(i - zips.size());
    String study = null;
    try (StudyArchive archive = i < zips.size() ? StudyArchive.open(local(zips.get(i), staged.resolve("a.zip")))
        : openTree(archiveDir, treeStudies.get(i - zips.size()), staged)) {
      study = archive.studyUid();
      if (missingFromSource.contains(study) && !sourcesByStudy.containsKey(study)) {
        // A delta run kept it: every file it was made from is gone from the source, and the report says so.
        return new CheckedStudy(study, "STUDY KEPT " + where + ": missing from source (none of its files is in the "
            + "source now; listed in reports/missing-from-source.csv)", true);
      }
      List<Path> sources = new ArrayList<>();
      for (String source : sourcesByStudy.getOrDefault(study, List.of())) {
        sources.add(local(source, staged.resolve("sources").resolve(sources.size() + ".dcm")));
      }
      ArchiveVerifier.StudyVerdict verdict = new ArchiveVerifier(staged.resolve("export")).verify(archive, sources);
      // The summary, then one indented line per difference.
      List<String> lines = new ArrayList<>();
      lines.add(verdict.summary());
      lines.addAll(verdict.details());
      return new CheckedStudy(study, String.join(System.lineSeparator(), lines), verdict.ok());
    } catch (IOException | RuntimeException e) {
      // A damaged or unreadable study is this study's failure; the others are still checked.
      return new CheckedStudy(study, "STUDY FAILED " + where + ": cannot be read: " + e.getMessage(), false);
    } finally {
      deleteTree(staged);
    }
  }

  private static boolean isUrl(String location) {
    return location.startsWith("gs://");
  }

  /**
   * What {@code glob} matches below {@code folder} (ending in "/"): in a folder by the file system's own glob
   * (the folder's name may hold glob characters), in a bucket through Beam's file systems.
   */
  private static List<String> list(String folder, String glob) throws IOException {
    if (isUrl(folder)) {
      return match(folder + glob);
    }
    Path dir = Path.of(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
    try (Stream<Path> files = Files.walk(dir, glob.split("/").length)) {
      return files.filter(Files::isRegularFile).filter(f -> matcher.matches(dir.relativize(f)))
          .map(Path::toString).toList();
    }
  }

  /** The names a pattern matches, through Beam's file systems. */
  private static List<String> match(String pattern) throws IOException {
    List<String> names = new ArrayList<>();
    for (MatchResult.Metadata m : FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata()) {
      names.add(m.resourceId().toString());
    }
    return names;
  }

  /** A local file for {@code location}: itself, or a copy at {@code copy} of what is in a bucket. */
  private static Path local(String location, Path copy) throws IOException {
    if (!isUrl(location)) {
      return SourceChannels.localPath(location);
    }
    Files.createDirectories(copy.getParent());
    // Sources are named in the manifest's escaped form; archive entries' names hold no escape.
    try (InputStream in = Channels.newInputStream(SourceChannels.readable(location))) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy;
  }

  /** A study of a tree: read in place from a folder; from a bucket, its entries are copied below {@code staged}. */
  private static StudyArchive openTree(String archiveDir, String studyUid, Path staged) throws IOException {
    if (!isUrl(archiveDir)) {
      return StudyArchive.open(Path.of(archiveDir), studyUid);
    }
    Path root = staged.resolve("tree");
    String folder = archiveDir + "studies/" + studyUid + "/";
    for (String entry : match(folder + "**")) {
      String name = entry.substring(archiveDir.length());
      Path file = root.resolve(name).normalize();
      if (!file.startsWith(root)) {
        throw new IOException("an entry name leaves the archive folder: " + entry);
      }
      local(entry, file);
    }
    return StudyArchive.open(root, studyUid);
  }

  /** The studies a delta run kept although their files are gone ({@code missing-from-source.csv}); none if absent. */
  static Set<String> readMissingFromSource(String report) throws IOException {
    Set<String> studies = new HashSet<>();
    if (!isUrl(report) && !Files.exists(Path.of(report))) {
      return studies;
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(report, false)))) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        if (!line.isBlank()) {
          studies.add(line.substring(0, line.indexOf(',') < 0 ? line.length() : line.indexOf(',')));
        }
      }
    } catch (java.io.FileNotFoundException e) {
      return studies;
    }
    return studies;
  }

  static List<ManifestRow> readManifest(String manifest) throws IOException {
    // Row by row: the manifest of a large run is read once and never held as one string.
    List<ManifestRow> rows = new ArrayList<>();
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(manifest, false)));
        java.io.Reader reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8),
            1 << 16)) {
      CsvRecordReader records = new CsvRecordReader(reader);
      String header = records.next();
      if (header == null || !header.equals(ManifestRow.CSV_HEADER)) {
        throw new IOException(manifest + " does not start with the header " + ManifestRow.CSV_HEADER);
      }
      for (String r = records.next(); r != null; r = records.next()) {
        rows.add(ManifestRow.fromCsv(r));
      }
    }
    return rows;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
