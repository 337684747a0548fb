package org.pacsmigrate.format.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.pacsmigrate.format.json.DicomJsonWriter;

/**
 * The metadata entry: the instances' data sets as one DICOM JSON array, gzipped. Built in memory, as it is small
 * next to the frames, and its length must be known before its entry starts. Encoding also decides the bulk data
 * entries (see {@link ArchiveBulkDataPolicy}).
 */
final class MetadataEncoder {
  /** Binary values up to this many bytes are inline (README). */
  static final int INLINE_THRESHOLD = 1024;
  private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private MetadataEncoder() {}

  /**
   * Gzip bytes. {@link GZIPOutputStream} writes a fixed header (no name, mtime 0), so equal input gives equal
   * bytes on the same JDK; sorts each plan's bulk values by path.
   */
  static byte[] encode(List<InstancePlan> plans) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
      write(plans, gzip);
    }
    return bytes.toByteArray();
  }

  /**
   * The same JSON, not compressed: what {@link ArchiveAdmission} reads back (gzip gives back what it is given, so
   * compressing it there would cost every file a deflate and an inflate and prove nothing).
   */
  static byte[] encodeJson(List<InstancePlan> plans) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(plans, bytes);
    return bytes.toByteArray();
  }

  private static void write(List<InstancePlan> plans, java.io.OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (InstancePlan plan : plans) {
        try (ArchiveBulkDataPolicy policy = new ArchiveBulkDataPolicy(plan)) {
          new DicomJsonWriter(policy, INLINE_THRESHOLD).write(plan.published(), g);
        } catch (IOException e) {
          throw new IOException(plan.source() + ": metadata cannot be written: " + e.getMessage(), e);
        }
        plan.bulkValues().sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
      }
      g.writeEndArray();
    }
  }
}
