package org.pacsmigrate.format.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree that keeps every number's text as written. The reader needs a tree because JSON member
 * order is free ("vr" may follow "Value"; (0008,0005) may follow the text it governs), and its own tree because
 * Jackson's would turn 1.50 into a double or a BigDecimal that no longer spells the DS value.
 */
final class JsonTree {
  private JsonTree() {}

  sealed interface Node permits Scalar, Array, Obj {}

  /** A string, number, boolean or null; {@code text} is the string or the number exactly as written. */
  record Scalar(JsonToken token, String text) implements Node {
    boolean isString() {
      return token == JsonToken.VALUE_STRING;
    }

    boolean isNumber() {
      return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  record Array(List<Node> elements) implements Node {}

  record Obj(Map<String, Node> members) implements Node {}

  /** The value starting at the parser's current token. */
  static Node read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Node> members = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (members.put(name, read(p)) != null) {
          // The shared factory refuses duplicates itself; this covers parsers the caller configured.
          throw new DicomJsonException(null, "duplicate member \"" + clip(name) + "\"" + location(p));
        }
      }
      return new Obj(members);
    }
    if (t == JsonToken.START_ARRAY) {
      List<Node> elements = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        elements.add(read(p));
      }
      return new Array(elements);
    }
    if (t == null || !t.isScalarValue()) {
      throw new DicomJsonException(null, "unexpected " + (t == null ? "end of input" : t) + location(p));
    }
    return new Scalar(t, t == JsonToken.VALUE_NULL ? null : p.getText());
  }

  static String location(JsonParser p) {
    var l = p.currentTokenLocation();
    return " at line " + l.getLineNr() + ", column " + l.getColumnNr();
  }

  /** Keys and VR codes are not patient data, but may be anything in bad input: keep messages short. */
  static String clip(String s) {
    return s.length() <= 24 ? s : s.substring(0, 24) + "...";
  }

  /** How a node's type is named in error messages (never its content, which may be patient data). */
  static String describe(Node n) {
    if (n instanceof Obj) {
      return "an object";
    }
    if (n instanceof Array) {
      return "an array";
    }
    Scalar s = (Scalar) n;
    return switch (s.token()) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> "null";
    };
  }
}
