package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;

/**
 * Google's Cloud Storage client as configured by the environment: Application Default Credentials
 * ({@code GOOGLE_APPLICATION_CREDENTIALS}, {@code gcloud auth application-default login}, or the VM's service
 * account) and the default JSON API endpoint, with the client's own retries.
 */
public final class DefaultStorageFactory implements StorageFactory {
  @Override
  public Storage create() {
    return StorageOptions.getDefaultInstance().getService();
  }
}
