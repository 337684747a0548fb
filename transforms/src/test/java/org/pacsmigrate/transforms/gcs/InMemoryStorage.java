package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;

/**
 * The tests' Cloud Storage: java-storage-nio's in-memory stand-in, one per JVM, reached through the job's own
 * option ({@code --gcsClientFactory}) like any other client. Tests use buckets of their own names.
 */
public final class InMemoryStorage implements StorageFactory {
  @Override
  public Storage create() {
    return LocalStorageHelper.getOptions().getService();
  }

  public static Storage client() {
    return StorageClients.get(InMemoryStorage.class);
  }
}
