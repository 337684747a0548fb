package org.pacsmigrate.pipeline.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Study, series or instance metadata (WADO-RS) from the study's metadata entry: the instances of the series
 * or the instance asked for, with every BulkDataURI made absolute for the request's base URL (the archive stores
 * them relative to the study's metadata, which some clients refuse), and Pixel Data's, which names the folder of
 * the frames, made the list of the instance's frames ({@code .../frames/1,2,...,n}), which a client can fetch.
 */
final class MetadataRenderer {
  private static final Set<String> PIXEL_TAGS = Set.of("7FE00010", "7FE00008", "7FE00009");

  /** Counts an instance's frames. */
  interface FrameCounter {
    int frames(String seriesUid, String sopUid) throws IOException;
  }

  private MetadataRenderer() {}

  /**
   * Writes the matching instances as a JSON array; returns how many. {@code series} and {@code sop} may be null
   * (every series, every instance). {@code studyBase} is the absolute URL of the study, ending in "/".
   */
  static int render(MetadataInstances in, String series, String sop, String studyBase, FrameCounter frames,
      OutputStream out) throws IOException {
    int n = 0;
    try (JsonGenerator g = MetadataInstances.JSON.getFactory().createGenerator(out)) {
      g.writeStartArray();
      for (ObjectNode instance = in.next(); instance != null; instance = in.next()) {
        String seriesUid = MetadataInstances.text(instance, "0020000E");
        String sopUid = MetadataInstances.text(instance, "00080018");
        if (series != null && !series.equals(seriesUid) || sop != null && !sop.equals(sopUid)) {
          continue;
        }
        absolute(instance, true, studyBase, seriesUid, sopUid, frames);
        g.writeTree(instance);
        n++;
      }
      g.writeEndArray();
    }
    return n;
  }

  private static void absolute(ObjectNode ds, boolean topLevel, String studyBase, String seriesUid, String sopUid,
      FrameCounter frames) throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = ds.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!(e.getValue() instanceof ObjectNode element)) {
        continue;
      }
      JsonNode uri = element.get("BulkDataURI");
      if (uri != null && uri.isTextual()) {
        String relative = uri.asText();
        String absolute = studyBase + relative;
        if (topLevel && PIXEL_TAGS.contains(e.getKey()) && relative.endsWith("/frames")) {
          int count = seriesUid == null || sopUid == null ? 0 : frames.frames(seriesUid, sopUid);
          StringBuilder list = new StringBuilder(absolute).append('/');
          for (int f = 1; f <= Math.max(count, 1); f++) {
            list.append(f == 1 ? "" : ",").append(f);
          }
          absolute = list.toString();
        }
        element.put("BulkDataURI", absolute);
      }
      JsonNode values = element.get("Value");
      if (values != null && values.isArray() && "SQ".equals(element.path("vr").asText())) {
        for (JsonNode item : values) {
          if (item instanceof ObjectNode o) {
            absolute(o, false, studyBase, seriesUid, sopUid, frames);
          }
        }
      }
    }
  }
}
