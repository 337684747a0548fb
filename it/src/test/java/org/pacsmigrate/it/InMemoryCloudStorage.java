package org.pacsmigrate.it;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import org.pacsmigrate.transforms.gcs.StorageClients;
import org.pacsmigrate.transforms.gcs.StorageFactory;

/**
 * The Cloud Storage stand-in of the gs:// tests: java-storage-nio's {@code LocalStorageHelper}, an in-memory
 * service shared by everything in this JVM. The job reaches it through its production option,
 * {@code --gcsClientFactory=org.pacsmigrate.it.InMemoryCloudStorage}; nothing in the pipeline knows it is a test.
 */
public final class InMemoryCloudStorage implements StorageFactory {
  @Override
  public Storage create() {
    return LocalStorageHelper.getOptions().getService();
  }

  /** The same client the job gets, for the test to fill the bucket and read the results. */
  static Storage client() {
    return StorageClients.get(InMemoryCloudStorage.class);
  }

  static String option() {
    return "--gcsClientFactory=" + InMemoryCloudStorage.class.getName();
  }
}
