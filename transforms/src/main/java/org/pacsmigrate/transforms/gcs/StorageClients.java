package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Storage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Cloud Storage client per factory class and JVM, shared by the file system and the archive writer (the
 * client is thread-safe and holds connection pools; making one per file or per study would waste them).
 */
public final class StorageClients {
  private static final Map<Class<? extends StorageFactory>, Storage> CLIENTS = new ConcurrentHashMap<>();

  private StorageClients() {}

  public static Storage get(Class<? extends StorageFactory> factory) {
    return CLIENTS.computeIfAbsent(factory, StorageClients::create);
  }

  private static Storage create(Class<? extends StorageFactory> factory) {
    try {
      return factory.getDeclaredConstructor().newInstance().create();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot make a Cloud Storage client with " + factory.getName()
          + " (a StorageFactory needs a public no-argument constructor)", e);
    }
  }
}
