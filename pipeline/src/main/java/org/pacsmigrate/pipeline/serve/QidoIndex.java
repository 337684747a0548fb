package org.pacsmigrate.pipeline.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What QIDO-RS searches: per study, series and instance only the attributes the standard returns by default
 * (PS3.18 table 10.6.3-3) and the counts, read once from each study's metadata at start. The whole metadata
 * is never held: memory grows by about a kilobyte per study and series and a few hundred bytes per instance.
 * Instances are kept as their serialised JSON and parsed only when their series is searched.
 */
final class QidoIndex {
  static final List<String> STUDY_TAGS = List.of("00080005", "00080020", "00080030", "00080050", "00080090",
      "00081030", "00100010", "00100020", "00100021", "00100030", "00100040", "0020000D", "00200010");
  static final List<String> SERIES_TAGS = List.of("00080005", "00080021", "00080031", "00080060", "0008103E",
      "00180015", "0020000D", "0020000E", "00200011", "00400244", "00400245");
  static final List<String> INSTANCE_TAGS = List.of("00080005", "00080016", "00080018", "00083002", "0020000D",
      "0020000E", "00200013", "00280008", "00280010", "00280011", "00280100");

  record Series(String uid, ObjectNode attributes, List<byte[]> instances) {}

  record Study(String uid, ObjectNode attributes, Map<String, Series> series) {}

  private final Map<String, Study> studies = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();

  /** Reads every study's metadata; a study whose metadata cannot be read is left out and listed. */
  static QidoIndex build(ServedArchive archive) throws IOException {
    QidoIndex index = new QidoIndex();
    for (String uid : archive.studyUids()) {
      try {
        StudyFiles files = archive.study(uid);
        try (InputStream raw = files.metadata(); MetadataInstances in = new MetadataInstances(raw)) {
          index.studies.put(uid, read(uid, in));
          index.order.add(uid);
        }
      } catch (IOException | RuntimeException e) {
        index.unreadable.add(uid + ": " + e.getMessage());
      }
    }
    return index;
  }

  private static Study read(String uid, MetadataInstances in) throws IOException {
    ObjectNode studyAttributes = null;
    Map<String, ObjectNode> seriesAttributes = new LinkedHashMap<>();
    Map<String, List<byte[]>> instances = new LinkedHashMap<>();
    TreeSet<String> modalities = new TreeSet<>();
    int count = 0;
    for (ObjectNode instance = in.next(); instance != null; instance = in.next()) {
      if (!uid.equals(MetadataInstances.text(instance, "0020000D"))) {
        throw new IOException("an instance of the metadata belongs to another study");
      }
      String series = MetadataInstances.text(instance, "0020000E");
      if (series == null) {
        throw new IOException("an instance has no Series Instance UID");
      }
      if (studyAttributes == null) {
        studyAttributes = pick(instance, STUDY_TAGS);
      }
      if (!seriesAttributes.containsKey(series)) {
        seriesAttributes.put(series, pick(instance, SERIES_TAGS));
        String modality = MetadataInstances.text(instance, "00080060");
        if (modality != null) {
          modalities.add(modality);
        }
      }
      instances.computeIfAbsent(series, k -> new ArrayList<>())
          .add(MetadataInstances.JSON.writeValueAsBytes(pick(instance, INSTANCE_TAGS)));
      count++;
    }
    if (studyAttributes == null) {
      throw new IOException("the study's metadata has no instance");
    }
    ArrayNode modalityValues = JsonNodeFactory.instance.arrayNode();
    modalities.forEach(modalityValues::add);
    element(studyAttributes, "00080061", "CS").set("Value", modalityValues);
    element(studyAttributes, "00201206", "IS").putArray("Value").add(seriesAttributes.size());
    element(studyAttributes, "00201208", "IS").putArray("Value").add(count);
    Map<String, Series> series = new LinkedHashMap<>();
    for (Map.Entry<String, ObjectNode> s : seriesAttributes.entrySet()) {
      List<byte[]> of = instances.get(s.getKey());
      element(s.getValue(), "00201209", "IS").putArray("Value").add(of.size());
      series.put(s.getKey(), new Series(s.getKey(), s.getValue(), List.copyOf(of)));
    }
    return new Study(uid, studyAttributes, series);
  }

  static ObjectNode element(ObjectNode ds, String tag, String vr) {
    ObjectNode e = ds.putObject(tag);
    e.put("vr", vr);
    return e;
  }

  private static ObjectNode pick(ObjectNode instance, List<String> tags) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String tag : tags) {
      JsonNode v = instance.get(tag);
      if (v != null && !v.has("BulkDataURI")) {
        out.set(tag, v.deepCopy());
      }
    }
    return out;
  }

  /** Studies in UID order. */
  List<Study> studies() {
    List<Study> out = new ArrayList<>(order.size());
    for (String uid : order) {
      out.add(studies.get(uid));
    }
    return out;
  }

  Study study(String uid) {
    return studies.get(uid);
  }

  List<String> unreadable() {
    return unreadable;
  }

  static ObjectNode parse(byte[] json) throws IOException {
    return (ObjectNode) MetadataInstances.JSON.readTree(json);
  }
}
