package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
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
import org.pacsmigrate.transforms.Csv;
import org.pacsmigrate.transforms.HeaderCheck;
import org.pacsmigrate.transforms.ListFiles;
import org.pacsmigrate.transforms.ManifestRow;
import org.pacsmigrate.transforms.Outcome;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.SourceChannels;

/**
 * {@code verify --archive=OUTPUT --input=SOURCE}: checks a finished migration against its sources, study by
 * study. The manifest must account for every file under the input exactly once; each study (ZIP or tree) must hold
 * exactly the instances of the files the manifest calls {@code archived}, with the same content
 * ({@link ArchiveVerifier}). Prints one line per study and returns 1 when anything fails.
 */
final class VerifyCommand {
  static final String USAGE = """
      verify --archive=OUTPUT --input=SOURCE
        Checks the studies in OUTPUT/archive (*.zip, or the tree layout's studies/{uid}/) against the files of
        SOURCE that OUTPUT/reports/manifest.csv lists as archived, and that the manifest lists every file of
        SOURCE once. One line per study; exit code 1 when any check fails.""";

  private VerifyCommand() {}

  static int run(String[] args, PrintStream out) throws IOException {
    if (CommandArgs.wantsHelp(args, 1)) {
      out.println(USAGE);
      return 0;
    }
    CommandArgs a = CommandArgs.parse(args, 1, Set.of("archive", "input"));
    return verify(Path.of(Locations.absolute(a.required("archive"))), Locations.absolute(a.required("input")),
        out);
  }

  static int verify(Path output, String input, PrintStream out) throws IOException {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    int failures = 0;

    List<ManifestRow> manifest = readManifest(Path.of(Reports.manifestPath(output.toString())));
    failures += checkAccounting(manifest, input, out);

    Map<String, List<Path>> sourcesByStudy = new TreeMap<>();
    HeaderCheck check = new HeaderCheck();
    for (ManifestRow row : manifest) {
      if (row.outcome() != Outcome.ARCHIVED) {
        continue;
      }
      HeaderCheck.Verdict v;
      try (SeekableByteChannel channel = SourceChannels.open(row.path())) {
        v = check.check(row.path(), row.size(), channel);
      } catch (IOException e) {
        out.println("SOURCE FAILED " + row.path() + ": archived, but now unreadable: " + e.getMessage());
        failures++;
        continue;
      }
      if (v.parsed() == null) {
        out.println("SOURCE FAILED " + row.path() + ": archived, but now " + v.rejected().reason());
        failures++;
        continue;
      }
      sourcesByStudy.computeIfAbsent(v.parsed().studyUid(), k -> new ArrayList<>()).add(Path.of(row.path()));
    }

    List<Path> zips = new ArrayList<>();
    Path archiveDir = output.resolve("archive");
    if (Files.isDirectory(archiveDir)) {
      // Hidden names are temporary files a crashed writer may have left: never a study's ZIP.
      try (DirectoryStream<Path> d = Files.newDirectoryStream(archiveDir,
          p -> p.getFileName().toString().endsWith(".zip") && !p.getFileName().toString().startsWith("."))) {
        d.forEach(zips::add);
      }
    }
    zips.sort(Comparator.naturalOrder());
    // The tree layout (--layout=tree): archive/studies/{uid}/metadata and the entries below it.
    List<String> treeStudies = treeStudies(archiveDir);
    Set<String> seen = new HashSet<>();
    int ok = 0;
    int studies = zips.size() + treeStudies.size();
    Path work = Files.createTempDirectory("dicomweb-migrate-verify-");
    try {
      ArchiveVerifier verifier = new ArchiveVerifier(work);
      for (int i = 0; i < studies; i++) {
        try (StudyArchive archive = i < zips.size() ? StudyArchive.open(zips.get(i))
            : StudyArchive.open(archiveDir, treeStudies.get(i - zips.size()))) {
          String study = archive.studyUid();
          if (!seen.add(study)) {
            out.println("STUDY FAILED " + study + ": archived twice (as a ZIP and in the tree)");
            failures++;
            continue;
          }
          List<Path> sources = sourcesByStudy.getOrDefault(study, List.of());
          ArchiveVerifier.StudyVerdict verdict = verifier.verify(archive, sources);
          out.println(verdict.summary());
          if (verdict.ok()) {
            ok++;
          } else {
            failures++;
          }
        }
      }
    } finally {
      deleteTree(work);
    }
    for (String study : sourcesByStudy.keySet()) {
      if (!seen.contains(study)) {
        out.println("STUDY FAILED " + study + ": " + sourcesByStudy.get(study).size()
            + " archived file(s) but no ZIP");
        failures++;
      }
    }
    out.println("verify: " + ok + " of " + studies + " studies OK, " + failures + " failure(s)");
    return failures == 0 ? 0 : 1;
  }

  /** The studies of a tree layout: folders below {@code archive/studies/} that hold a metadata file. */
  private static List<String> treeStudies(Path archiveDir) throws IOException {
    Path studies = archiveDir.resolve("studies");
    if (!Files.isDirectory(studies)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(studies)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("metadata"))).map(d -> d.getFileName().toString())
          .sorted().toList();
    }
  }

  static List<ManifestRow> readManifest(Path manifest) throws IOException {
    List<String> records = Csv.records(Files.readString(manifest, StandardCharsets.UTF_8));
    if (records.isEmpty() || !records.get(0).equals(ManifestRow.CSV_HEADER)) {
      throw new IOException(manifest + " does not start with the header " + ManifestRow.CSV_HEADER);
    }
    List<ManifestRow> rows = new ArrayList<>();
    for (String r : records.subList(1, records.size())) {
      rows.add(ManifestRow.fromCsv(r));
    }
    return rows;
  }

  /** Every file under the input is in the manifest exactly once, and the manifest names nothing else. */
  private static int checkAccounting(List<ManifestRow> manifest, String input, PrintStream out)
      throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    for (ManifestRow row : manifest) {
      counts.merge(row.path(), 1, Integer::sum);
    }
    MatchResult match = FileSystems.match(ListFiles.pattern(input), EmptyMatchTreatment.ALLOW);
    Set<String> listed = new HashSet<>();
    for (MatchResult.Metadata m : match.metadata()) {
      listed.add(m.resourceId().toString());
    }
    long missing = listed.stream().filter(p -> !counts.containsKey(p)).count();
    long twice = counts.values().stream().filter(c -> c > 1).count();
    long unknown = counts.keySet().stream().filter(p -> !listed.contains(p)).count();
    String line = "manifest: " + manifest.size() + " rows for " + listed.size() + " files under the input";
    if (missing + twice + unknown == 0) {
      out.println(line + ", every file once");
      return 0;
    }
    out.println("MANIFEST FAILED " + line + ": " + missing + " missing, " + twice + " listed more than once, "
        + unknown + " not under the input");
    Stream.concat(listed.stream().filter(p -> !counts.containsKey(p)).map(p -> "  missing: " + p),
        counts.keySet().stream().filter(p -> !listed.contains(p)).map(p -> "  not under the input: " + p))
        .sorted().limit(20).forEach(out::println);
    return 1;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
