package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.SourceBulkData;
import org.pacsmigrate.format.verify.DataSetComparator;
import org.pacsmigrate.format.verify.Difference;
import org.pacsmigrate.format.verify.FileValueDigester;

/**
 * Proves, instance by instance, that a study archive holds its sources: each source file is compared with the
 * Part 10 file that {@link ArchiveExporter} regenerates for it. Attributes that reconciliation changed must hold
 * the reconciled value in the archive and their original value in Original Attributes Sequence (0400,0561),
 * in the items appended after those the source already had (which must be kept as they were); every other
 * attribute, every frame and every bulk value must be equal. Differences are reported by path, never by value
 * (patient data).
 */
public final class ArchiveVerifier {
  static final int ORIGINAL_ATTRIBUTES_SEQUENCE = 0x04000561;
  static final int MODIFIED_ATTRIBUTES_SEQUENCE = 0x04000550;

  /** The outcome for one source file. */
  public record InstanceVerdict(String source, String sopUid, List<Difference> differences) {
    public boolean ok() {
      return differences.isEmpty();
    }
  }

  /** The outcome for one study: every source instance, and archived instances no source accounts for. */
  public record StudyVerdict(String studyUid, List<InstanceVerdict> instances, List<String> unaccounted) {
    public boolean ok() {
      return unaccounted.isEmpty() && instances.stream().allMatch(InstanceVerdict::ok);
    }

    public long failed() {
      return instances.stream().filter(v -> !v.ok()).count();
    }

    /** One line for an operator: the study, OK or FAILED, and the counts. */
    public String summary() {
      return studyUid + " " + (ok() ? "OK" : "FAILED") + " (" + instances.size() + " instances checked, "
          + failed() + " differ, " + unaccounted.size() + " archived without a source given)";
    }
  }

  private final Path workDir;

  /** @param workDir where exported files are written while they are compared (deleted after each) */
  public ArchiveVerifier(Path workDir) {
    this.workDir = workDir;
  }

  public StudyVerdict verify(StudyArchive archive, List<Path> sources) throws IOException {
    Map<String, ArchivedInstance> bySop = new TreeMap<>();
    for (ArchivedInstance i : ArchivedInstance.all(archive)) {
      bySop.put(i.sopUid(), i);
    }
    Set<String> seen = new HashSet<>();
    List<InstanceVerdict> verdicts = new ArrayList<>();
    P10Reader reader = new P10Reader();
    for (Path source : sources) {
      DicomFile original = reader.read(source);
      String sop = original.dataSet().asciiString(Tag.SOPInstanceUID);
      ArchivedInstance archived = sop == null ? null : bySop.get(sop);
      if (archived == null) {
        verdicts.add(new InstanceVerdict(source.toString(), sop,
            List.of(new Difference("-", "instance is not in the archive"))));
        continue;
      }
      seen.add(sop);
      verdicts.add(new InstanceVerdict(source.toString(), sop, compare(archive, archived, source, original)));
    }
    List<String> unaccounted = new ArrayList<>();
    for (String sop : bySop.keySet()) {
      if (!seen.contains(sop)) {
        unaccounted.add(sop);
      }
    }
    return new StudyVerdict(archive.studyUid(), verdicts, unaccounted);
  }

  private List<Difference> compare(StudyArchive archive, ArchivedInstance archived, Path source, DicomFile original)
      throws IOException {
    Files.createDirectories(workDir);
    Path exported = Files.createTempFile(workDir, "verify-", ".dcm");
    try {
      try (OutputStream out = Files.newOutputStream(exported)) {
        new ArchiveExporter().export(archive, archived, out);
      }
      DicomFile copy = new P10Reader().read(exported);
      List<DataSet> sourceRecords = items(original.dataSet().get(ORIGINAL_ATTRIBUTES_SEQUENCE));
      Map<Integer, DicomElement> originals = recordedOriginals(copy.dataSet(), sourceRecords.size());
      Set<Integer> ignored = new HashSet<>(originals.keySet());
      ignored.add(ORIGINAL_ATTRIBUTES_SEQUENCE);
      ignored.add(Tag.AvailableTransferSyntaxUID);
      try (SourceBulkData a = SourceBulkData.open(source, original);
          SourceBulkData b = SourceBulkData.open(exported, copy)) {
        DataSetComparator comparator = new DataSetComparator(new FileValueDigester(original, a),
            new FileValueDigester(copy, b), ignored);
        List<Difference> differences = new ArrayList<>(comparator.compare(original.dataSet(), copy.dataSet()));
        // The source's own audit trail is kept, item for item, ahead of what the migration appended.
        List<DataSet> copyRecords = items(copy.dataSet().get(ORIGINAL_ATTRIBUTES_SEQUENCE));
        if (copyRecords.size() < sourceRecords.size()) {
          differences.add(new Difference(Tag.toHex(ORIGINAL_ATTRIBUTES_SEQUENCE), "the source's "
              + sourceRecords.size() + " item(s) are not all kept"));
        } else if (!sourceRecords.isEmpty()) {
          differences.addAll(new DataSetComparator(new FileValueDigester(original, a), new FileValueDigester(copy, b),
              Set.of()).compare(leading(original.dataSet(), sourceRecords.size()),
              leading(copy.dataSet(), sourceRecords.size())));
        }
        // A changed attribute: the source must hold the value recorded as original.
        for (Map.Entry<Integer, DicomElement> e : originals.entrySet()) {
          DataSet was = new DataSet();
          DataSet recorded = new DataSet();
          DicomElement sourceValue = original.dataSet().get(e.getKey());
          if (sourceValue != null) {
            was.put(sourceValue);
          }
          if (!e.getValue().isEmpty() || sourceValue != null) {
            recorded.put(e.getValue());
          }
          for (Difference d : new DataSetComparator(null, null, Set.of()).compare(was, recorded)) {
            differences.add(new Difference(d.path(), "original value recorded in (0400,0561) differs from the source"));
          }
        }
        return differences;
      }
    } finally {
      Files.deleteIfExists(exported);
    }
  }

  /**
   * Top-level attributes whose original values the archive recorded after the source's own {@code skip} items;
   * the first such record holds the source value.
   */
  static Map<Integer, DicomElement> recordedOriginals(DataSet ds, int skip) {
    Map<Integer, DicomElement> out = new HashMap<>();
    List<DataSet> records = items(ds.get(ORIGINAL_ATTRIBUTES_SEQUENCE));
    for (DataSet item : records.subList(Math.min(skip, records.size()), records.size())) {
      DicomElement modified = item.get(MODIFIED_ATTRIBUTES_SEQUENCE);
      if (modified == null || !modified.isSequence()) {
        continue;
      }
      for (DataSet values : modified.items()) {
        for (DicomElement e : values.elements()) {
          out.putIfAbsent(e.tag(), e);
        }
      }
    }
    return out;
  }

  private static List<DataSet> items(DicomElement e) {
    return e == null || !e.isSequence() ? List.of() : e.items();
  }

  /** The data set's character set and the first {@code n} items of its Original Attributes Sequence. */
  private static DataSet leading(DataSet ds, int n) {
    DataSet out = new DataSet();
    DicomElement charset = ds.get(Tag.SpecificCharacterSet);
    if (charset != null) {
      out.put(charset);
    }
    out.put(DicomElement.ofItems(ORIGINAL_ATTRIBUTES_SEQUENCE,
        items(ds.get(ORIGINAL_ATTRIBUTES_SEQUENCE)).subList(0, n)));
    return out;
  }
}
