package org.pacsmigrate.transforms.delta;

import java.io.Serializable;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an index is an index of: the source (its absolute location) and the settings that decide what a record
 * holds and what a study's archive looks like. An index with another identity is foreign: its records would
 * describe other files, or files parsed or written under other rules, so a run against it reads everything.
 *
 * @param source the source location, with {@code %} and line breaks escaped so a header line holds it
 * @param settings the record-shaping settings, one canonical string
 */
public record IndexIdentity(String source, String settings) implements Serializable {
  /**
   * Bumped whenever the bytes of a study's archive, or the content of an index record, change for the same
   * input: an index of an older generation is foreign, so an upgrade rewrites every study once.
   */
  public static final int GENERATION = 1;

  /**
   * @param recordedTags the top-level tags each instance record keeps for reconciliation (they follow the rules)
   */
  public static IndexIdentity of(String source, String layout, int maxInflationRatio, boolean followLinks,
      Set<Integer> recordedTags) {
    StringBuilder tags = new StringBuilder();
    for (int t : new TreeSet<>(recordedTags)) {
      tags.append(tags.length() == 0 ? "" : ",").append(String.format("%08X", t));
    }
    return new IndexIdentity(escape(source), "generation=" + GENERATION + ";layout=" + layout.toLowerCase(
        java.util.Locale.ROOT) + ";maxInflationRatio=" + maxInflationRatio + ";followLinks=" + followLinks
        + ";recorded=" + tags);
  }

  /** The same identity with one more setting ({@code ;} and {@code =} in the value are escaped). */
  public IndexIdentity with(String key, String value) {
    String v = value == null ? "" : escape(value).replace(";", "%3B").replace("=", "%3D");
    return new IndexIdentity(source, settings + ";" + key + "=" + v);
  }

  static String escape(String s) {
    return s.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D");
  }
}
