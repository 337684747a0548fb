package org.pacsmigrate.transforms.reconcile;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.codec.language.DoubleMetaphone;

/**
 * How a person name sounds: phonetic keys of its family and first given name (commons-codec's Double Metaphone),
 * so that two spellings of one name (SMITH^JON, SMYTH^JOHN; SCHMIDT, SMITH) share a key.
 *
 * <p>Why Double Metaphone: it gives a primary and an alternate code per word, which catches spellings across
 * languages (German, Slavic, Spanish and Italian rules as well as English) that Soundex and NYSIIS miss, and it is
 * a deterministic, cheap string function. Beider-Morse is finer for surnames across languages but yields dozens
 * of codes per name (many spurious candidates on a hospital's scale) and is far slower; this report is a first
 * sift for a reviewer, so recall with a small, stable key set matters more. Accents are removed first (MÜLLER
 * sounds as MULLER); names written only in ideographic or phonetic component groups have no key (not compared).
 * Family and given name are also tried swapped, a common registration mistake.
 */
public final class SoundsAlike {
  private static final DoubleMetaphone ENCODER = new DoubleMetaphone();

  private SoundsAlike() {}

  /** The keys of a PN value ({@code FAMILY^GIVEN^...}, its first component group); empty when it has none. */
  public static Set<String> keys(String personName) {
    Set<String> keys = new TreeSet<>();
    if (personName == null) {
      return keys;
    }
    String alphabetic = personName.split("=", -1)[0];
    String[] parts = alphabetic.split("\\^", -1);
    Set<String> family = codes(parts[0]);
    Set<String> given = codes(parts.length > 1 ? firstWord(parts[1]) : "");
    if (family.isEmpty()) {
      return keys;
    }
    for (String f : family) {
      if (given.isEmpty()) {
        keys.add(f + "|");
      }
      for (String g : given) {
        keys.add(f + "|" + g);
        keys.add(g + "|" + f); // swapped family and given name
      }
    }
    return keys;
  }

  private static String firstWord(String s) {
    String t = s.strip();
    int space = t.indexOf(' ');
    return space < 0 ? t : t.substring(0, space);
  }

  /** Primary and alternate codes of a name component (its words run together); empty without letters. */
  private static Set<String> codes(String component) {
    String plain = Normalizer.normalize(component, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
        .toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    Set<String> codes = new TreeSet<>();
    if (plain.isEmpty()) {
      return codes;
    }
    String primary = ENCODER.doubleMetaphone(plain);
    String alternate = ENCODER.doubleMetaphone(plain, true);
    if (primary != null && !primary.isEmpty()) {
      codes.add(primary);
    }
    if (alternate != null && !alternate.isEmpty()) {
      codes.add(alternate);
    }
    return codes;
  }
}
