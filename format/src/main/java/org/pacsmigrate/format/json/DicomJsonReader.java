package org.pacsmigrate.format.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.json.JsonTree.Array;
import org.pacsmigrate.format.json.JsonTree.Node;
import org.pacsmigrate.format.json.JsonTree.Obj;
import org.pacsmigrate.format.json.JsonTree.Scalar;

/**
 * Reads the DICOM JSON Model (PS3.18 F.2) back into data sets, as {@link DicomJsonWriter} writes it and as the
 * standard allows others to. Strict: anything that is not valid DICOM JSON is a {@link DicomJsonException}
 * naming the element, never skipped.
 *
 * <p>Values come back the way Part 10 holds them: text encoded with the Specific Character Set in scope,
 * multiple values joined with backslash, padded to even length with the VR's padding byte; IS and DS keep the
 * JSON number's text exactly (strings are accepted too, as PS3.18 allows); numbers little endian.
 * InlineBinary bytes are kept exactly as given, odd length included. See {@link #normalise} for how a data set
 * compares with what comes back from a write and read.
 */
public final class DicomJsonReader {
  private static final Pattern TAG_KEY = Pattern.compile("[0-9A-F]{8}");
  private static final Pattern HEX_TAG = Pattern.compile("[0-9A-Fa-f]{8}");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Set<String> MEMBERS =
      Set.of(JsonModel.VR_MEMBER, JsonModel.VALUE, JsonModel.INLINE_BINARY, JsonModel.BULK_DATA_URI);
  private static final String CHARSET_KEY = Tag.toHex(Tag.SpecificCharacterSet);
  private static final BigInteger MAX_UV = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final BulkDataResolver resolver;

  public DicomJsonReader(BulkDataResolver resolver) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** One JSON object. */
  public DataSet fromJson(String json) throws IOException {
    try (JsonParser p = JsonModel.FACTORY.createParser(json)) {
      List<DataSet> result = parse(p, false);
      return result.get(0);
    }
  }

  /** A JSON array of objects (a DICOMweb metadata resource), or a single object. Leaves {@code in} open. */
  public List<DataSet> readArray(InputStream in) throws IOException {
    try (JsonParser p = JsonModel.FACTORY.createParser(in)) {
      return parse(p, true);
    }
  }

  /** The object at the parser's current token (or the next one, if it has none), for callers that stream. */
  public DataSet read(JsonParser p) throws IOException {
    try {
      JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
      if (t != JsonToken.START_OBJECT) {
        throw new DicomJsonException(null, "expected a JSON object" + JsonTree.location(p));
      }
      return toDataSet((Obj) JsonTree.read(p), null, 0, SpecificCharacterSet.DEFAULT);
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  private List<DataSet> parse(JsonParser p, boolean arrayAllowed) throws IOException {
    try {
      List<DataSet> result = new ArrayList<>();
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY && arrayAllowed) {
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          int index = result.size();
          if (t != JsonToken.START_OBJECT) {
            throw new DicomJsonException(null, "array element " + index + " is not an object" + JsonTree.location(p));
          }
          try {
            result.add(toDataSet((Obj) JsonTree.read(p), null, 0, SpecificCharacterSet.DEFAULT));
          } catch (DicomJsonException e) {
            throw e.inInstance(index);
          }
        }
      } else if (t == JsonToken.START_OBJECT) {
        result.add(toDataSet((Obj) JsonTree.read(p), null, 0, SpecificCharacterSet.DEFAULT));
      } else {
        throw new DicomJsonException(null, (arrayAllowed ? "expected a JSON object or array" : "expected a JSON object")
            + JsonTree.location(p));
      }
      if (p.nextToken() != null) {
        throw new DicomJsonException(null, "unexpected content after the JSON value" + JsonTree.location(p));
      }
      return result;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  private static DicomJsonException malformed(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    String where = l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    return new DicomJsonException(null, "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
  }

  private DataSet toDataSet(Obj obj, ElementPath sequence, int item, SpecificCharacterSet inherited)
      throws IOException {
    SpecificCharacterSet cs = inherited;
    Node charsetNode = obj.members().get(CHARSET_KEY);
    if (charsetNode != null) {
      cs = characterSet(charsetNode, JsonModel.path(sequence, item, Tag.SpecificCharacterSet));
    }
    DataSet ds = new DataSet();
    for (Map.Entry<String, Node> m : obj.members().entrySet()) {
      int tag = parseKey(m.getKey(), sequence, item);
      ds.put(toElement(tag, JsonModel.path(sequence, item, tag), m.getValue(), cs));
    }
    return ds;
  }

  /** The data set's own (0008,0005) governs all its text, wherever it sits among the members. */
  private SpecificCharacterSet characterSet(Node node, ElementPath path) throws IOException {
    DataSet holder = new DataSet().put(toElement(Tag.SpecificCharacterSet, path, node, SpecificCharacterSet.DEFAULT));
    String[] terms = holder.asciiStrings(Tag.SpecificCharacterSet);
    try {
      return terms == null ? SpecificCharacterSet.DEFAULT : SpecificCharacterSet.valueOf(terms);
    } catch (IllegalArgumentException e) {
      throw new DicomJsonException(path.toString(), "unsupported Specific Character Set", e);
    }
  }

  private static int parseKey(String key, ElementPath sequence, int item) throws DicomJsonException {
    if (!TAG_KEY.matcher(key).matches()) {
      throw new DicomJsonException(JsonModel.prefix(sequence, item) + "\"" + JsonTree.clip(key) + "\"",
          "attribute key is not 8 uppercase hexadecimal digits");
    }
    int tag = Tag.parseHex(key);
    if (Tag.group(tag) == 0xFFFE) {
      throw new DicomJsonException(JsonModel.prefix(sequence, item) + key, "item delimitation tags are not attributes");
    }
    return tag;
  }

  private DicomElement toElement(int tag, ElementPath path, Node node, SpecificCharacterSet cs) throws IOException {
    if (!(node instanceof Obj attribute)) {
      throw error(path, "attribute must be an object, found " + JsonTree.describe(node));
    }
    Map<String, Node> members = attribute.members();
    for (String name : members.keySet()) {
      if (!MEMBERS.contains(name)) {
        throw error(path, "unknown member \"" + JsonTree.clip(name) + "\"");
      }
    }
    VR vr = vr(members.get(JsonModel.VR_MEMBER), path);
    Node value = members.get(JsonModel.VALUE);
    Node inline = members.get(JsonModel.INLINE_BINARY);
    Node uri = members.get(JsonModel.BULK_DATA_URI);
    if ((value != null ? 1 : 0) + (inline != null ? 1 : 0) + (uri != null ? 1 : 0) > 1) {
      throw error(path, "more than one of Value, InlineBinary and BulkDataURI");
    }
    if (uri != null) {
      return resolve(tag, vr, path, uri);
    }
    if (inline != null) {
      if (vr.kind() != VR.Kind.BULK) {
        throw error(path, "InlineBinary is not allowed for VR " + vr);
      }
      try {
        return DicomElement.ofBytes(tag, vr, Base64.getDecoder().decode(string(inline, path, "InlineBinary")));
      } catch (IllegalArgumentException e) {
        throw error(path, "InlineBinary is not valid base64");
      }
    }
    if (value == null) {
      return vr == VR.SQ ? DicomElement.ofItems(tag, List.of()) : DicomElement.ofBytes(tag, vr, new byte[0]);
    }
    if (!(value instanceof Array array)) {
      throw error(path, "Value must be an array, found " + JsonTree.describe(value));
    }
    List<Node> values = array.elements();
    return switch (vr.kind()) {
      case SEQUENCE -> DicomElement.ofItems(tag, items(values, path, cs));
      case TEXT -> DicomElement.ofBytes(tag, vr, text(values, vr, path, cs));
      case BINARY -> DicomElement.ofBytes(tag, vr, numbers(values, vr, path));
      case BULK -> throw error(path, "VR " + vr + " takes InlineBinary or BulkDataURI, not Value");
    };
  }

  private static VR vr(Node node, ElementPath path) throws DicomJsonException {
    if (node == null) {
      throw error(path, "missing \"vr\"");
    }
    String code = string(node, path, "vr");
    VR vr = code.length() == 2 ? VR.fromCode(code.charAt(0), code.charAt(1)) : null;
    if (vr == null) {
      throw error(path, "unknown VR \"" + JsonTree.clip(code) + "\"");
    }
    return vr;
  }

  private DicomElement resolve(int tag, VR vr, ElementPath path, Node uri) throws IOException {
    if (!JsonModel.BULK_DATA_URI_VRS.contains(vr)) {
      throw error(path, "BulkDataURI is not allowed for VR " + vr);
    }
    DicomElement e = resolver.resolve(path, tag, vr, string(uri, path, "BulkDataURI"));
    if (e == null || e.tag() != tag || e.vr() != vr) {
      throw error(path, "bulk data resolver returned " + (e == null ? "nothing" : "an element of another tag or VR"));
    }
    return e;
  }

  private List<DataSet> items(List<Node> values, ElementPath path, SpecificCharacterSet cs) throws IOException {
    List<DataSet> items = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      if (!(values.get(i) instanceof Obj item)) {
        throw error(path, "item " + i + " must be an object, found " + JsonTree.describe(values.get(i)));
      }
      items.add(toDataSet(item, path, i, cs));
    }
    return items;
  }

  private static byte[] text(List<Node> values, VR vr, ElementPath path, SpecificCharacterSet cs)
      throws DicomJsonException {
    if (vr.isSingleValuedText() && values.size() > 1) {
      throw error(path, "VR " + vr + " holds a single value, found " + values.size());
    }
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      Node n = values.get(i);
      String s;
      if (n instanceof Scalar sc && sc.isNull()) {
        s = "";
      } else if (vr == VR.PN) {
        s = personName(n, i, path);
      } else if (n instanceof Scalar sc && (sc.isString() || sc.isNumber() && (vr == VR.IS || vr == VR.DS))) {
        s = sc.text();
      } else {
        String expected = vr == VR.IS || vr == VR.DS ? "a number or string" : "a string";
        throw error(path, "value " + i + " of VR " + vr + " must be " + expected + ", found " + JsonTree.describe(n));
      }
      if (!vr.isSingleValuedText() && s.indexOf('\\') >= 0) {
        throw error(path, "value " + i + " contains a backslash, which would split it in two");
      }
      if (i > 0) {
        joined.append('\\');
      }
      joined.append(s);
    }
    byte[] b;
    try {
      b = cs.encode(joined.toString(), vr == VR.PN);
    } catch (IllegalArgumentException e) {
      throw error(path, "value not representable in Specific Character Set " + Arrays.toString(cs.terms()));
    }
    return padded(b, vr);
  }

  /** Groups joined with '=' up to the last non-empty one, as PS3.5 6.2.1 writes them. */
  private static String personName(Node n, int index, ElementPath path) throws DicomJsonException {
    if (!(n instanceof Obj o)) {
      throw error(path, "value " + index + " of VR PN must be an object, found " + JsonTree.describe(n));
    }
    String[] groups = new String[JsonModel.PN_GROUPS.length];
    int used = 0;
    for (Map.Entry<String, Node> m : o.members().entrySet()) {
      int g = Arrays.asList(JsonModel.PN_GROUPS).indexOf(m.getKey());
      if (g < 0) {
        throw error(path, "value " + index + " of VR PN has unknown member \"" + JsonTree.clip(m.getKey()) + "\"");
      }
      groups[g] = string(m.getValue(), path, m.getKey());
      // Phonetic may hold '=' (the writer keeps extra groups of a malformed name there); earlier groups may not.
      if (g < 2 && groups[g].indexOf('=') >= 0) {
        throw error(path, "value " + index + " of VR PN has '=' inside " + m.getKey());
      }
      if (!groups[g].isEmpty()) {
        used = Math.max(used, g + 1);
      }
    }
    StringBuilder b = new StringBuilder();
    for (int g = 0; g < used; g++) {
      if (g > 0) {
        b.append('=');
      }
      b.append(groups[g] == null ? "" : groups[g]);
    }
    return b.toString();
  }

  private static byte[] numbers(List<Node> values, VR vr, ElementPath path) throws DicomJsonException {
    int unit = vr == VR.AT ? 4 : vr.unitSize();
    ByteBuffer buf = ByteBuffer.allocate(values.size() * unit).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.size(); i++) {
      Node n = values.get(i);
      if (!(n instanceof Scalar s) || s.isNull()) {
        throw error(path, "value " + i + " of VR " + vr + " must be a " + (vr == VR.AT ? "string" : "number")
            + ", found " + JsonTree.describe(n));
      }
      switch (vr) {
        case AT -> {
          if (!s.isString() || !HEX_TAG.matcher(s.text()).matches()) {
            throw error(path, "value " + i + " of VR AT must be a string of 8 hexadecimal digits");
          }
          int tag = (int) Long.parseLong(s.text(), 16);
          buf.putShort((short) Tag.group(tag)).putShort((short) Tag.element(tag));
        }
        case US -> buf.putShort((short) integer(s, i, vr, 0, 0xFFFF, path).intValue());
        case SS -> buf.putShort((short) integer(s, i, vr, Short.MIN_VALUE, Short.MAX_VALUE, path).intValue());
        case UL -> buf.putInt((int) integer(s, i, vr, 0, 0xFFFFFFFFL, path).longValue());
        case SL -> buf.putInt(integer(s, i, vr, Integer.MIN_VALUE, Integer.MAX_VALUE, path).intValue());
        case SV -> buf.putLong(integer(s, i, vr, Long.MIN_VALUE, Long.MAX_VALUE, path).longValue());
        case UV -> buf.putLong(integer(s, i, vr, BigInteger.ZERO, MAX_UV, path).longValue());
        case FL -> buf.putFloat((float) floating(s, i, vr, path));
        case FD -> buf.putDouble(floating(s, i, vr, path));
        default -> throw new IllegalStateException("not a binary VR: " + vr);
      }
    }
    return buf.array();
  }

  private static BigInteger integer(Scalar s, int index, VR vr, long min, long max, ElementPath path)
      throws DicomJsonException {
    return integer(s, index, vr, BigInteger.valueOf(min), BigInteger.valueOf(max), path);
  }

  /** SV and UV may also be strings (PS3.18 F.2.3), since many JSON readers cannot hold 64-bit integers. */
  private static BigInteger integer(Scalar s, int index, VR vr, BigInteger min, BigInteger max, ElementPath path)
      throws DicomJsonException {
    boolean stringAllowed = vr == VR.SV || vr == VR.UV;
    boolean ok = s.token() == JsonToken.VALUE_NUMBER_INT
        || stringAllowed && s.isString() && INTEGER.matcher(s.text()).matches();
    if (!ok) {
      throw error(path, "value " + index + " of VR " + vr + " must be an integer"
          + (stringAllowed ? " (number or string)" : "") + ", found " + JsonTree.describe(s));
    }
    BigInteger v = new BigInteger(s.text());
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw error(path, "value " + index + " is out of range for VR " + vr);
    }
    return v;
  }

  /** Parsed from the number's text: Jackson's float path goes through double, which can round twice. */
  private static double floating(Scalar s, int index, VR vr, ElementPath path) throws DicomJsonException {
    if (s.isString()) {
      switch (s.text()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw error(path, "value " + index + " of VR " + vr
              + " must be a number, or \"NaN\", \"Infinity\" or \"-Infinity\"; found another string");
      }
    }
    if (!s.isNumber()) {
      throw error(path, "value " + index + " of VR " + vr + " must be a number, found " + JsonTree.describe(s));
    }
    double d = vr == VR.FL ? Float.parseFloat(s.text()) : Double.parseDouble(s.text());
    if (Double.isInfinite(d)) {
      throw error(path, "value " + index + " is out of range for VR " + vr);
    }
    return d;
  }

  private static String string(Node n, ElementPath path, String what) throws DicomJsonException {
    if (n instanceof Scalar s && s.isString()) {
      return s.text();
    }
    throw error(path, what + " must be a string, found " + JsonTree.describe(n));
  }

  private static byte[] padded(byte[] b, VR vr) {
    if ((b.length & 1) == 0) {
      return b;
    }
    byte[] p = Arrays.copyOf(b, b.length + 1);
    p[b.length] = (byte) vr.paddingByte();
    return p;
  }

  private static DicomJsonException error(ElementPath path, String detail) {
    return new DicomJsonException(path.toString(), detail);
  }

  /**
   * What {@code ds} looks like after a write and read, for data sets whose text is encoded the usual way: group
   * lengths dropped; text values that are only padding emptied; odd-length text padded with the VR's padding
   * byte. Values that do not survive the trip and are not covered here (text with leading spaces where they
   * are not significant, trailing NULs in text other than UI, IS/DS the writer had to rewrite such as "+1", NaN
   * payloads other than the canonical one, PN with empty trailing groups) are outside "the usual way".
   */
  public static DataSet normalise(DataSet ds) {
    DataSet out = new DataSet();
    for (DicomElement e : ds.elements()) {
      if (Tag.isGroupLength(e.tag())) {
        continue;
      }
      if (e.isSequence()) {
        List<DataSet> items = new ArrayList<>();
        for (DataSet item : e.items()) {
          items.add(normalise(item));
        }
        out.put(DicomElement.ofItems(e.tag(), items));
      } else if (e.hasBytes() && e.vr().isText()) {
        byte[] b = onlyPadding(e.bytes()) ? new byte[0] : padded(e.bytes(), e.vr());
        out.put(DicomElement.ofBytes(e.tag(), e.vr(), b));
      } else {
        out.put(e);
      }
    }
    return out;
  }

  private static boolean onlyPadding(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != 0) {
        return false;
      }
    }
    return true;
  }
}
