package org.pacsmigrate.transforms.io;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.transforms.gcs.StorageClients;
import org.pacsmigrate.transforms.gcs.StorageFactory;

/**
 * {@code gs://bucket/prefix/archive/} through the job's Cloud Storage client. One upload per object, which
 * Cloud Storage makes visible only when it completes: an object is never seen half-written, and its headers
 * ({@code Content-Type}, {@code Content-Encoding}) are set by the same request.
 */
final class BucketDestination implements ArchiveDestination {
  private final String bucket;
  private final String prefix;
  private final Class<? extends StorageFactory> factory;

  /** @param prefix the object name prefix of the archive folder, ending in "/" */
  BucketDestination(String bucket, String prefix, Class<? extends StorageFactory> factory) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.factory = factory;
  }

  private Storage storage() {
    return StorageClients.get(factory);
  }

  private BlobInfo info(String name, Headers headers) {
    return BlobInfo.newBuilder(bucket, prefix + name).setContentType(headers.contentType())
        .setContentEncoding(headers.contentEncoding()).build();
  }

  @Override
  public void put(String name, Path file, Headers headers) throws IOException {
    try {
      storage().createFrom(info(name, headers), file);
    } catch (StorageException e) {
      throw new IOException("upload of gs://" + bucket + "/" + prefix + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String name, InputStream in, long length, Headers headers) throws IOException {
    try {
      if (length <= 1024 * 1024) {
        // One request for small objects (the metadata, most frames).
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
          throw new IOException(name + ": " + bytes.length + " bytes where " + length + " were expected");
        }
        storage().create(info(name, headers), bytes);
      } else {
        storage().createFrom(info(name, headers), in);
      }
    } catch (StorageException e) {
      throw new IOException("upload of gs://" + bucket + "/" + prefix + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list(String folder) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (Blob blob : storage().list(bucket, Storage.BlobListOption.prefix(prefix + folder)).iterateAll()) {
        names.add(blob.getName().substring(prefix.length()));
      }
    } catch (StorageException e) {
      throw new IOException("listing gs://" + bucket + "/" + prefix + folder + ": " + e.getMessage(), e);
    }
    return names;
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      storage().delete(bucket, prefix + name);
    } catch (StorageException e) {
      throw new IOException("delete of gs://" + bucket + "/" + prefix + name + ": " + e.getMessage(), e);
    }
  }
}
