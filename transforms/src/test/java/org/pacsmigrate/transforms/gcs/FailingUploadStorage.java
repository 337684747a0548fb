package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The in-memory Cloud Storage, except that every upload is refused as a full quota would refuse it: listing,
 * reading and deleting work. Reached through {@code --gcsClientFactory} like any client.
 */
public final class FailingUploadStorage implements StorageFactory {
  @Override
  public Storage create() {
    Storage real = InMemoryStorage.client();
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          String name = method.getName();
          if (name.equals("create") || name.equals("createFrom") || name.equals("writer")) {
            throw new StorageException(429, "simulated: the project's storage quota is exceeded");
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
