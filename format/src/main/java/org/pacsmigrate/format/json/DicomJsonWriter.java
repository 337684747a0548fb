package org.pacsmigrate.format.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.TextValues;
import org.pacsmigrate.format.dicom.VR;

/**
 * Writes data sets in the DICOM JSON Model (PS3.18 F.2). Output depends only on the data set, so the same
 * input always gives the same bytes.
 *
 * <p>Where the standard leaves a choice, or the data is not what the standard expects:
 * <ul>
 *   <li>Text is decoded with the Specific Character Set in scope (an item's own (0008,0005), else the
 *       enclosing data set's), then split on backslash (not for LT, ST, UT, UR). Trailing spaces and NULs are
 *       trimmed from every value, leading spaces from all but LT, ST, UT, UR. A text element whose only value is
 *       empty after trimming is written like an empty element; an empty value among several is null.</li>
 *   <li>PN: the first two '=' separate the groups; anything after the second stays in Phonetic, so malformed
 *       names survive a round trip.</li>
 *   <li>IS and DS are JSON numbers carrying the value's own text when that is valid JSON number syntax
 *       ("1.50" stays 1.50); a number JSON cannot spell ("+1", ".5", "1.", "007") is written in its
 *       BigDecimal form; a value that is not a number at all is written as a JSON string so it is not lost
 *       (PS3.18 allows strings for IS and DS; {@link DicomJsonReader} accepts both).</li>
 *   <li>FL, FD: the shortest text that reads back to the same float or double, whatever the JDK; NaN and
 *       the infinities, which JSON numbers cannot hold, as the strings "NaN", "Infinity", "-Infinity".</li>
 *   <li>Group lengths (gggg,0000) and Data Set Trailing Padding are left out: they carry no attribute. Encapsulated pixel data has no inline form, so the
 *       policy must give it a BulkDataURI.</li>
 * </ul>
 */
public final class DicomJsonWriter {
  /** JSON number syntax (RFC 8259 section 6). */
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  /** What IS and DS allow (PS3.5 6.2), ASCII digits only; BigDecimal alone would also take other scripts' digits. */
  private static final Pattern DICOM_NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private final BulkDataPolicy policy;
  private final int inlineThreshold;

  /**
   * @param inlineThreshold in-memory OB, OD, OF, OL, OV, OW and UN values longer than this many bytes are
   *     offered to the policy for a BulkDataURI
   */
  public DicomJsonWriter(BulkDataPolicy policy, int inlineThreshold) {
    if (inlineThreshold < 0) {
      throw new IllegalArgumentException("negative inline threshold " + inlineThreshold);
    }
    this.policy = Objects.requireNonNull(policy, "policy");
    this.inlineThreshold = inlineThreshold;
  }

  /** Writes one data set as a JSON object. */
  public void write(DataSet ds, JsonGenerator g) throws IOException {
    writeObject(ds, null, 0, SpecificCharacterSet.DEFAULT, g);
  }

  /** Writes the data sets as a JSON array (the form of a DICOMweb metadata resource). Leaves {@code out} open. */
  public void writeArray(List<DataSet> dataSets, OutputStream out) throws IOException {
    try (JsonGenerator g = JsonModel.FACTORY.createGenerator(out)) {
      g.writeStartArray();
      for (DataSet ds : dataSets) {
        write(ds, g);
      }
      g.writeEndArray();
    }
  }

  public String toJson(DataSet ds) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JsonModel.FACTORY.createGenerator(w)) {
      write(ds, g);
    }
    return w.toString();
  }

  private void writeObject(DataSet ds, ElementPath sequence, int item, SpecificCharacterSet inherited,
      JsonGenerator g) throws IOException {
    SpecificCharacterSet cs = characterSet(ds, inherited, sequence, item);
    g.writeStartObject();
    for (DicomElement e : ds.elements()) {
      if (!Tag.isEncodingArtefact(e.tag())) {
        writeElement(e, JsonModel.path(sequence, item, e.tag()), cs, g);
      }
    }
    g.writeEndObject();
  }

  /** The data set's own (0008,0005) applies to it and its items; without one, the enclosing set's. */
  private static SpecificCharacterSet characterSet(DataSet ds, SpecificCharacterSet inherited, ElementPath sequence,
      int item) throws DicomJsonException {
    DicomElement e = ds.get(Tag.SpecificCharacterSet);
    if (e == null || !e.hasBytes()) {
      return inherited;
    }
    String[] terms = ds.asciiStrings(Tag.SpecificCharacterSet);
    try {
      return terms == null ? SpecificCharacterSet.DEFAULT : SpecificCharacterSet.valueOf(terms);
    } catch (IllegalArgumentException ex) {
      throw new DicomJsonException(JsonModel.path(sequence, item, Tag.SpecificCharacterSet).toString(),
          "unsupported Specific Character Set", ex);
    }
  }

  private void writeElement(DicomElement e, ElementPath path, SpecificCharacterSet cs, JsonGenerator g)
      throws IOException {
    VR vr = e.vr();
    g.writeFieldName(Tag.toHex(e.tag()));
    g.writeStartObject();
    g.writeStringField(JsonModel.VR_MEMBER, vr.name());
    if (e.isSequence()) {
      writeItems(e.items(), path, cs, g);
    } else if (e.isEncapsulated()) {
      String uri = policy.bulkDataUri(path, e);
      if (uri == null) {
        throw new DicomJsonException(path.toString(), "encapsulated pixel data needs a BulkDataURI");
      }
      g.writeStringField(JsonModel.BULK_DATA_URI, uri);
    } else if (!e.isEmpty()) {
      boolean mayBeUri = JsonModel.BULK_DATA_URI_VRS.contains(vr);
      boolean askPolicy = e.isBulk() || vr.kind() == VR.Kind.BULK && e.length() > inlineThreshold;
      String uri = mayBeUri && askPolicy ? policy.bulkDataUri(path, e) : null;
      if (uri != null) {
        g.writeStringField(JsonModel.BULK_DATA_URI, uri);
      } else {
        writeValue(e.hasBytes() ? e.bytes() : load(e, path), vr, path, cs, g);
      }
    }
    g.writeEndObject();
  }

  private byte[] load(DicomElement e, ElementPath path) throws IOException {
    byte[] b = policy.load(path, e);
    if (b == null) {
      throw new DicomJsonException(path.toString(), "bulk data policy gave neither a URI nor the value");
    }
    return b;
  }

  private void writeItems(List<DataSet> items, ElementPath path, SpecificCharacterSet cs, JsonGenerator g)
      throws IOException {
    if (items.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(JsonModel.VALUE);
    for (int i = 0; i < items.size(); i++) {
      writeObject(items.get(i), path, i, cs, g);
    }
    g.writeEndArray();
  }

  private static void writeValue(byte[] b, VR vr, ElementPath path, SpecificCharacterSet cs, JsonGenerator g)
      throws IOException {
    switch (vr.kind()) {
      case BULK -> {
        g.writeFieldName(JsonModel.INLINE_BINARY);
        g.writeBinary(b);
      }
      case BINARY -> writeNumbers(b, vr, path, g);
      case TEXT -> writeText(cs.decode(b, vr == VR.PN), vr, g);
      case SEQUENCE -> throw new DicomJsonException(path.toString(), "SQ element holds bytes instead of items");
    }
  }

  private static void writeNumbers(byte[] b, VR vr, ElementPath path, JsonGenerator g) throws IOException {
    int unit = vr == VR.AT ? 4 : vr.unitSize();
    if (b.length % unit != 0) {
      throw new DicomJsonException(path.toString(),
          "value length " + b.length + " is not a multiple of " + unit + " for VR " + vr);
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    g.writeArrayFieldStart(JsonModel.VALUE);
    while (buf.hasRemaining()) {
      switch (vr) {
        case AT -> g.writeString(Tag.toHex(Short.toUnsignedInt(buf.getShort()) << 16
            | Short.toUnsignedInt(buf.getShort())));
        case US -> g.writeNumber(Short.toUnsignedInt(buf.getShort()));
        case SS -> g.writeNumber(buf.getShort());
        case UL -> g.writeNumber(Integer.toUnsignedLong(buf.getInt()));
        case SL -> g.writeNumber(buf.getInt());
        case UV -> g.writeNumber(Long.toUnsignedString(buf.getLong()));
        case SV -> g.writeNumber(buf.getLong());
        case FL -> writeFloat(buf.getFloat(), g);
        case FD -> writeDouble(buf.getDouble(), g);
        default -> throw new IllegalStateException("not a binary VR: " + vr);
      }
    }
    g.writeEndArray();
  }

  // NumberOutput's fast writer is Schubfach: shortest round-trip text even on JDKs whose toString is not.
  private static void writeFloat(float f, JsonGenerator g) throws IOException {
    if (Float.isFinite(f)) {
      g.writeNumber(NumberOutput.toString(f, true));
    } else {
      g.writeString(nonFinite(f));
    }
  }

  private static void writeDouble(double d, JsonGenerator g) throws IOException {
    if (Double.isFinite(d)) {
      g.writeNumber(NumberOutput.toString(d, true));
    } else {
      g.writeString(nonFinite(d));
    }
  }

  private static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  private static void writeText(String text, VR vr, JsonGenerator g) throws IOException {
    List<String> values = TextValues.split(vr, text);
    if (values.isEmpty()) {
      return; // only padding: no value
    }
    g.writeArrayFieldStart(JsonModel.VALUE);
    for (String v : values) {
      if (v.isEmpty()) {
        g.writeNull();
      } else if (vr == VR.PN) {
        writePersonName(v, g);
      } else if (vr == VR.IS || vr == VR.DS) {
        writeDecimal(v, g);
      } else {
        g.writeString(v);
      }
    }
    g.writeEndArray();
  }

  private static void writePersonName(String v, JsonGenerator g) throws IOException {
    String[] groups = v.split("=", 3);
    boolean any = false;
    for (String group : groups) {
      any |= !group.isEmpty();
    }
    if (!any) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    for (int i = 0; i < groups.length; i++) {
      if (!groups[i].isEmpty()) {
        g.writeStringField(JsonModel.PN_GROUPS[i], groups[i]);
      }
    }
    g.writeEndObject();
  }

  private static void writeDecimal(String v, JsonGenerator g) throws IOException {
    if (JSON_NUMBER.matcher(v).matches()) {
      g.writeNumber(v);
      return;
    }
    if (DICOM_NUMBER.matcher(v).matches()) {
      try {
        g.writeNumber(new BigDecimal(v).toString());
        return;
      } catch (NumberFormatException tooLargeExponent) {
        // falls through to a string, like any other value that is not a number
      }
    }
    g.writeString(v);
  }
}
