package org.pacsmigrate.pipeline.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.SourceOpener;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;

/** Study ZIPs written from Part 10 files by the format's writer, and the same unzipped into the tree layout. */
final class ServeTestArchive {
  private ServeTestArchive() {}

  /** Writes {@code out/archive/{study}.zip} for the files, grouped by study; returns the parsed files by study. */
  static Map<String, List<DicomFile>> zips(List<Path> files, Path out) throws IOException {
    Map<String, List<DicomFile>> byStudy = new TreeMap<>();
    Map<String, List<ArchiveInstance>> instances = new TreeMap<>();
    for (Path f : files) {
      DicomFile parsed = new P10Reader().read(f);
      String study = parsed.dataSet().asciiString(Tag.StudyInstanceUID);
      byStudy.computeIfAbsent(study, k -> new ArrayList<>()).add(parsed);
      instances.computeIfAbsent(study, k -> new ArrayList<>()).add(new ArchiveInstance(parsed, SourceOpener.of(f)));
    }
    Path archive = Files.createDirectories(out.resolve("archive"));
    for (Map.Entry<String, List<ArchiveInstance>> s : instances.entrySet()) {
      new StudyArchiveWriter().writeAtomically(s.getKey(), s.getValue(), archive.resolve(s.getKey() + ".zip"));
    }
    return byStudy;
  }

  /** Unzips every ZIP of {@code zipOutput/archive} into {@code treeOutput/archive}. */
  static void tree(Path zipOutput, Path treeOutput) throws IOException {
    Path root = Files.createDirectories(treeOutput.resolve("archive"));
    try (var zips = Files.list(zipOutput.resolve("archive"))) {
      for (Path zip : zips.filter(p -> p.toString().endsWith(".zip")).toList()) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
          for (ZipEntry e : Collections.list(z.entries())) {
            Path target = root.resolve(e.getName());
            Files.createDirectories(target.getParent());
            try (InputStream in = z.getInputStream(e)) {
              Files.copy(in, target);
            }
          }
        }
      }
    }
  }
}
