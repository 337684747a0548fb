package org.pacsmigrate.transforms.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** summary.json: the run's counts, keyed by the names operators script against. */
public final class Summary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Summary() {}

  public static String json(Tally t, double seconds) {
    return json(t, seconds, false);
  }

  /** @param dryRun true for a run that wrote no ZIP ({@code --dryRun}) */
  public static String json(Tally t, double seconds, boolean dryRun) {
    ObjectNode n = JSON.createObjectNode();
    n.put("files", t.files());
    n.put("archived", t.archived());
    n.put("duplicate", t.duplicate());
    n.put("rejected", t.rejected());
    n.put("held", t.held());
    n.put("studies", t.studies());
    n.put("instances", t.instances());
    n.put("bytesIn", t.bytesIn());
    n.put("bytesOut", t.bytesOut());
    // A delta run: what it wrote, and what it left as an earlier run wrote it (studies and their files).
    n.put("studiesWritten", t.studiesWritten());
    n.put("studiesUnchanged", t.studiesUnchanged());
    n.put("filesUnchanged", t.filesUnchanged());
    n.put("studiesMissingFromSource", t.studiesMissingFromSource());
    n.put("bytesWritten", t.bytesWritten());
    n.put("seconds", Math.round(seconds * 10) / 10.0);
    n.put("dryRun", dryRun);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
