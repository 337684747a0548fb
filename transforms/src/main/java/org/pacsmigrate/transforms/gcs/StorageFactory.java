package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Storage;

/**
 * Makes the Cloud Storage client every gs:// read and write of the job goes through, on the launcher and on
 * every worker. Chosen by {@link CloudStorageOptions#getGcsClientFactory()}; the default,
 * {@link DefaultStorageFactory}, is Google's client with Application Default Credentials. Another factory
 * serves the same job another client: one with explicit credentials or an endpoint, or a test's stand-in.
 *
 * <p>An implementation needs a public no-argument constructor; it is instantiated once per JVM.
 */
public interface StorageFactory {
  Storage create();
}
