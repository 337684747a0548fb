package org.pacsmigrate.transforms.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementDictionary;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.TextValues;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.json.BulkDataPolicy;
import org.pacsmigrate.format.json.DicomJsonWriter;

/**
 * How reconciliation reads, compares and writes one attribute's value.
 *
 * <ul>
 *   <li><b>Display</b>: text decoded with the instance's Specific Character Set, split into values and stripped
 *       of padding as PS3.5 6.2 defines it (the archive's JSON shows the same), joined with '\'. Spaces around a
 *       whole value are padding and never a difference. Sequences and binary values: their DICOM JSON
 *       {@code Value}. Absent is null, present and empty "".</li>
 *   <li><b>Key</b>: the display with cosmetic differences removed: upper case; in person names, spaces around
 *       components, trailing empty components ('^') and groups ('='); numbers (DS, IS) by value. Two values
 *       with the same key differ only cosmetically. Absent and empty both have the key "".</li>
 * </ul>
 */
final class ValueText {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DicomJsonWriter WRITER = new DicomJsonWriter(BulkDataPolicy.inlineOnly(), Integer.MAX_VALUE);

  private ValueText() {}

  static SpecificCharacterSet charset(DataSet ds) {
    String[] terms = ds.asciiStrings(Tag.SpecificCharacterSet);
    return terms == null ? SpecificCharacterSet.DEFAULT : SpecificCharacterSet.valueOf(terms);
  }

  static boolean sameCharset(SpecificCharacterSet a, SpecificCharacterSet b) {
    return Arrays.equals(a.terms(), b.terms());
  }

  /** Whether the value, and everything in its items, is in memory (values left in the file are not compared). */
  static boolean inMemory(DicomElement e) {
    if (e.isSequence()) {
      for (DataSet item : e.items()) {
        for (DicomElement x : item.elements()) {
          if (!inMemory(x)) {
            return false;
          }
        }
      }
      return true;
    }
    return e.hasBytes();
  }

  /** The VR to write a value with: the element's own, unless it is unknown (UN) and the dictionary knows. */
  static VR vrFor(int tag, DicomElement e) {
    VR dictionary = ElementDictionary.standard().vrOf(tag);
    if (e == null || e.vr() == VR.UN) {
      return dictionary;
    }
    return e.vr();
  }

  /** @param e in memory ({@link #inMemory}) or null; @return null when absent */
  static String display(DicomElement e, SpecificCharacterSet cs) {
    if (e == null) {
      return null;
    }
    if (e.isEmpty()) {
      return "";
    }
    VR vr = e.vr();
    if (vr.isText()) {
      return String.join("\\", TextValues.split(vr, cs.decode(e.bytes(), vr == VR.PN)));
    }
    DataSet one = new DataSet();
    if (cs.terms().length > 0) {
      one.put(DicomElement.ofBytes(Tag.SpecificCharacterSet, VR.CS,
          String.join("\\", cs.terms()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
    one.put(e);
    try {
      JsonNode value = JSON.readTree(WRITER.toJson(one)).path(Tag.toHex(e.tag())).path("Value");
      return value.isMissingNode() ? "" : value.toString();
    } catch (IOException ex) {
      throw new IllegalStateException("cannot render " + Tag.toString(e.tag()) + ": " + ex.getClass().getSimpleName(),
          ex);
    }
  }

  /** The comparison key of a display value of this VR; "" for absent and empty. */
  static String key(VR vr, String display) {
    if (display == null || display.isEmpty()) {
      return "";
    }
    if (!vr.isText()) {
      return display;
    }
    if (vr.isSingleValuedText()) {
      return display.strip().toUpperCase(Locale.ROOT);
    }
    List<String> out = new ArrayList<>();
    for (String v : display.split("\\\\", -1)) {
      out.add(switch (vr) {
        case PN -> personName(v);
        case DS, IS -> number(v);
        default -> v.strip().toUpperCase(Locale.ROOT);
      });
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return String.join("\\", out);
  }

  static String personName(String value) {
    String[] groups = value.split("=", -1);
    List<String> kept = new ArrayList<>();
    for (String group : groups) {
      String[] components = group.split("\\^", -1);
      List<String> c = new ArrayList<>();
      for (String component : components) {
        c.add(component.strip());
      }
      while (!c.isEmpty() && c.get(c.size() - 1).isEmpty()) {
        c.remove(c.size() - 1);
      }
      kept.add(String.join("^", c));
    }
    while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
      kept.remove(kept.size() - 1);
    }
    return String.join("=", kept).toUpperCase(Locale.ROOT);
  }

  private static String number(String v) {
    String s = v.strip();
    try {
      return new BigDecimal(TextValues.plainNumber(s)).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return s.toUpperCase(Locale.ROOT);
    }
  }

  private static final Pattern DA = Pattern.compile("\\d{8}");
  private static final Pattern TM = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");
  private static final Pattern DT = Pattern.compile("\\d{4}(\\d{2}(\\d{2}(\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?)?)?)?"
      + "([+-]\\d{4})?");
  private static final Pattern DS = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern IS = Pattern.compile("[+-]?\\d{1,12}");
  private static final Pattern AS = Pattern.compile("\\d{3}[DWMY]");
  private static final Pattern CS = Pattern.compile("[A-Z0-9 _]{0,16}");

  /**
   * Why a value typed by a reviewer is not valid for the VR (PS3.5 6.2), or null when it is. Says what is
   * wrong, never the value.
   */
  static String invalid(VR vr, String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (vr.isSingleValuedText()) {
      return null;
    }
    for (String v : value.split("\\\\", -1)) {
      String problem = switch (vr) {
        case DA -> DA.matcher(v).matches() ? null : "a DA value is YYYYMMDD";
        case TM -> TM.matcher(v).matches() ? null : "a TM value is HHMMSS.FFFFFF (or a prefix of it)";
        case DT -> DT.matcher(v).matches() ? null : "a DT value is YYYYMMDDHHMMSS.FFFFFF&ZZXX (or a prefix of it)";
        case DS -> DS.matcher(v).matches() && v.length() <= 16 ? null
            : "a DS value is a decimal number of up to 16 characters";
        case IS -> IS.matcher(v).matches() ? null : "an IS value is an integer";
        case AS -> AS.matcher(v).matches() ? null : "an AS value is nnnD, nnnW, nnnM or nnnY";
        case CS -> CS.matcher(v).matches() ? null : "a CS value is up to 16 of A-Z, 0-9, space and _";
        case SH -> v.length() <= 16 ? null : "an SH value is up to 16 characters";
        case LO -> v.length() <= 64 ? null : "an LO value is up to 64 characters";
        case PN -> Arrays.stream(v.split("=", -1)).allMatch(g -> g.length() <= 64) && v.split("=", -1).length <= 3
            ? null : "a PN value is up to three groups of up to 64 characters";
        default -> null;
      };
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
