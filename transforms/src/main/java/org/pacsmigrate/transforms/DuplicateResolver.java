package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.SourceBulkData;
import org.pacsmigrate.format.verify.DataSetComparator;
import org.pacsmigrate.format.verify.Difference;
import org.pacsmigrate.format.verify.FileValueDigester;
import org.pacsmigrate.transforms.io.SourceHeaders;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.SortableDateTime;

/**
 * Chooses which of several files holding the same SOP Instance UID is archived. The rule, stated once so
 * operators can predict it:
 *
 * <ol>
 *   <li>the most complete: more top-level attributes (group lengths, trailing padding and Specific Character
 *       Set not counted, as they describe encoding, not content);</li>
 *   <li>then the most recent Instance Creation Date and Time (0008,0012/0013); a file without them is oldest;</li>
 *   <li>then the lexicographically smallest path.</li>
 * </ol>
 *
 * Files with identical content tie on the first two, so among identical copies the smallest path is kept.
 * Every other file is compared with the kept one (attributes, and pixel data and bulk values by digest, read
 * from both sources): "identical to ..." when nothing differs, else "conflicting duplicate of ..." with the
 * paths of the differing attributes (never their values).
 */
public final class DuplicateResolver {
  private static final int DIFFERENCES_NAMED = 3;
  private static final int INSTANCE_CREATION_DATE = 0x00080012;
  private static final int INSTANCE_CREATION_TIME = 0x00080013;

  /** Opens a listed file for reading (the comparison reads pixel data and bulk values from both files). */
  @FunctionalInterface
  public interface Sources {
    SeekableByteChannel open(String path) throws IOException;
  }

  public record Duplicate(ParsedInstance file, boolean conflicting, String reason) {}

  public record Resolution(ParsedInstance kept, List<Duplicate> duplicates) {}

  /** Orders candidates best first; the head of this order is kept. */
  public static final Comparator<ParsedInstance> PREFERENCE = Comparator
      .comparingInt(ParsedInstance::attributeCount).reversed()
      .thenComparing(Comparator.comparing((ParsedInstance p) -> creationDateTime(p.reconciliation())).reversed())
      .thenComparing(ParsedInstance::path);

  private final Sources sources;
  private final int maxInflationRatio;

  public DuplicateResolver(Sources sources) {
    this(sources, org.pacsmigrate.format.p10.P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio the limit the files were parsed under */
  public DuplicateResolver(Sources sources, int maxInflationRatio) {
    this.sources = sources;
    this.maxInflationRatio = maxInflationRatio;
  }

  /** @param sameSop two or more files with one SOP Instance UID */
  public Resolution resolve(List<ParsedInstance> sameSop) throws IOException {
    List<ParsedInstance> ranked = new ArrayList<>(sameSop);
    ranked.sort(PREFERENCE);
    ParsedInstance kept = ranked.get(0);
    List<Duplicate> duplicates = new ArrayList<>();
    for (ParsedInstance other : ranked.subList(1, ranked.size())) {
      List<Difference> differences = compare(kept, other);
      if (differences.isEmpty()) {
        duplicates.add(new Duplicate(other, false, "identical to " + kept.path()));
      } else {
        duplicates.add(new Duplicate(other, true, "conflicting duplicate of " + kept.path() + " ("
            + describe(differences) + ")"));
      }
    }
    return new Resolution(kept, duplicates);
  }

  private List<Difference> compare(ParsedInstance a, ParsedInstance b) throws IOException {
    // The records carry no whole header: both are read again (duplicates are rare), checked against their digests.
    try (SeekableByteChannel ca = sources.open(a.path());
        SeekableByteChannel cb = sources.open(b.path())) {
      DicomFile ha = SourceHeaders.reread(a, ca, maxInflationRatio);
      DicomFile hb = SourceHeaders.reread(b, cb, maxInflationRatio);
      try (SourceBulkData sa = new SourceBulkData(ca, ha);
          SourceBulkData sb = new SourceBulkData(cb, hb)) {
        return new DataSetComparator(new FileValueDigester(ha, sa), new FileValueDigester(hb, sb), Set.of())
            .compare(ha.dataSet(), hb.dataSet());
      }
    }
  }

  private static String describe(List<Difference> differences) {
    String named = differences.stream().limit(DIFFERENCES_NAMED).map(Difference::path)
        .collect(Collectors.joining(" "));
    int more = differences.size() - DIFFERENCES_NAMED;
    return differences.size() + (differences.size() == 1 ? " attribute differs: " : " attributes differ: ")
        + named + (more > 0 ? " and " + more + " more" : "");
  }

  public static int attributeCount(DataSet ds) {
    int n = 0;
    for (DicomElement e : ds.elements()) {
      if (!Tag.isEncodingArtefact(e.tag()) && e.tag() != Tag.SpecificCharacterSet) {
        n++;
      }
    }
    return n;
  }

  /** The Instance Creation Date and Time, sortable (see {@link SortableDateTime}). */
  public static String creationDateTime(DataSet ds) {
    return SortableDateTime.of(ds, INSTANCE_CREATION_DATE, INSTANCE_CREATION_TIME);
  }
}
