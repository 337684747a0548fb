package org.pacsmigrate.transforms.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives back one instance for equal strings among the last few hundred seen, so that records of files of the
 * same study share their Study and Series Instance UIDs, SOP Class and transfer syntax instead of holding a copy
 * each. Files arrive in the order listed (a folder's files together), so a small window finds nearly all
 * repeats. What it saves matters on the Direct runner, which holds every parsed record in memory until its
 * study is grouped: about a third of a record.
 */
public final class SharedStrings {
  private static final int WINDOW = 256;

  private final Map<String, String> recent = new LinkedHashMap<>(WINDOW * 2, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > WINDOW;
    }
  };

  /** {@code s}, or an equal string seen recently. */
  String share(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    String shared = recent.putIfAbsent(s, s);
    return shared == null ? s : shared;
  }

  /** The same record, with its repeated strings shared. */
  public ParsedInstance share(ParsedInstance p) {
    return new ParsedInstance(p.path(), p.size(), p.modified(), share(p.studyUid()), share(p.seriesUid()),
        p.sopInstanceUid(), share(p.sopClassUid()), share(p.transferSyntaxUid()), p.attributeCount(),
        share(p.sourceAe()), p.reconciliationEncoding(), p.headerDigest());
  }
}
