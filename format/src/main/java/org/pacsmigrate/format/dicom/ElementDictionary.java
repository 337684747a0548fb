package org.pacsmigrate.format.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PS3.6 data dictionary: tag to VR, VM and keyword. Loaded from the resource that
 * format/tools/generate_dictionary.py generates from the standard.
 */
public final class ElementDictionary {

  /** One row of the dictionary. {@code vrs} has more than one entry for ambiguous VRs ("US or SS"). */
  public record Entry(int tag, List<VR> vrs, String vm, String keyword, boolean retired) {
    public VR vr() {
      return vrs.isEmpty() ? null : vrs.get(0);
    }
  }

  private record Pattern(int mask, int value, Entry entry) {}

  private static final ElementDictionary STANDARD = load();

  private final Map<Integer, Entry> byTag;
  private final Map<String, Entry> byKeyword;
  private final List<Pattern> repeating;

  private ElementDictionary(Map<Integer, Entry> byTag, Map<String, Entry> byKeyword, List<Pattern> repeating) {
    this.byTag = byTag;
    this.byKeyword = byKeyword;
    this.repeating = repeating;
  }

  public static ElementDictionary standard() {
    return STANDARD;
  }

  /** The entry for a tag, resolving repeating groups such as (60xx,3000); null for unknown and private tags. */
  public Entry entry(int tag) {
    Entry e = byTag.get(tag);
    if (e != null) {
      return e;
    }
    for (Pattern p : repeating) {
      if ((tag & p.mask) == p.value) {
        return p.entry;
      }
    }
    return null;
  }

  /**
   * The VR an implicit VR reader should assume. Group lengths are UL, private creators LO, unknown tags UN.
   * Ambiguous VRs resolve to the first listed (US, OB) here; the reader refines them where context tells.
   */
  public VR vrOf(int tag) {
    if (Tag.isGroupLength(tag)) {
      return VR.UL;
    }
    if (Tag.isPrivate(tag)) {
      return Tag.isPrivateCreator(tag) ? VR.LO : VR.UN;
    }
    Entry e = entry(tag);
    if (e == null || e.vr() == null) {
      return VR.UN;
    }
    return e.vr();
  }

  public String keywordOf(int tag) {
    Entry e = Tag.isPrivate(tag) ? null : entry(tag);
    return e == null ? null : e.keyword();
  }

  /** The tag for a keyword, or -1. Repeating-group keywords answer their first group (6000, 5000, ...). */
  public int tagOf(String keyword) {
    Entry e = byKeyword.get(keyword);
    return e == null ? -1 : e.tag();
  }

  private static ElementDictionary load() {
    String name = "/org/pacsmigrate/format/dictionary.tsv";
    Map<Integer, Entry> byTag = new HashMap<>();
    Map<String, Entry> byKeyword = new HashMap<>();
    List<Pattern> repeating = new ArrayList<>();
    try (InputStream in = ElementDictionary.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        String pattern = f[0];
        List<VR> vrs = new ArrayList<>();
        if (!f[1].equals("NONE")) {
          for (String v : f[1].split("\\|")) {
            vrs.add(VR.valueOf(v));
          }
        }
        int mask = 0;
        int value = 0;
        for (int i = 0; i < 8; i++) {
          char c = pattern.charAt(i);
          mask <<= 4;
          value <<= 4;
          if (c != 'x') {
            mask |= 0xF;
            value |= Character.digit(c, 16);
          }
        }
        Entry entry = new Entry(value, List.copyOf(vrs), f[2], f[3], f[4].equals("R"));
        byKeyword.putIfAbsent(entry.keyword(), entry);
        if (mask == 0xFFFFFFFF) {
          byTag.put(value, entry);
        } else {
          repeating.add(new Pattern(mask, value, entry));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ElementDictionary(Map.copyOf(byTag), Map.copyOf(byKeyword), List.copyOf(repeating));
  }
}
