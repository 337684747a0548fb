package org.pacsmigrate.pipeline.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a study's metadata entry (a gzipped DICOM JSON array) one instance at a time, so that a study of any
 * size is rendered or indexed holding one instance's attributes at a time.
 */
final class MetadataInstances implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final JsonParser parser;

  MetadataInstances(InputStream gzipped) throws IOException {
    this.parser = JSON.getFactory().createParser(new GZIPInputStream(gzipped, 64 * 1024));
    if (parser.nextToken() != JsonToken.START_ARRAY) {
      parser.close();
      throw new IOException("study metadata is not a JSON array");
    }
  }

  /** The next instance, or null after the last. */
  ObjectNode next() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.END_ARRAY || t == null) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IOException("study metadata holds something other than instance objects");
    }
    return parser.readValueAsTree();
  }

  /** The first value of a top-level attribute as text (a UID, a code string), or null. */
  static String text(ObjectNode instance, String tag) {
    JsonNode v = instance.path(tag).path("Value").path(0);
    return v.isValueNode() ? v.asText() : null;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
