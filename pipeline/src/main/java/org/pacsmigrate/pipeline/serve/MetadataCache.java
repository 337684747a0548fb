package org.pacsmigrate.pipeline.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rendered metadata (gzipped) by study, level and base URL, least recently used first out, bounded by the
 * bytes it holds: a viewer asks for the same study's metadata many times, and rendering parses the whole study.
 */
final class MetadataCache {
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);

  MetadataCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, byte[] value) {
    if (value.length > maxBytes / 4) {
      return;
    }
    byte[] old = entries.put(key, value);
    bytes += value.length - (old == null ? 0 : old.length);
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, byte[]> eldest = it.next();
      bytes -= eldest.getValue().length;
      it.remove();
    }
  }
}
