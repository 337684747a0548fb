package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.BlobId;
import java.util.Objects;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A gs:// location: a bucket and an object name. Names ending in "/" (and the bucket itself) are directories,
 * as Beam's file systems see them; Cloud Storage has no folders, only names with slashes.
 */
public final class BucketResourceId implements ResourceId {
  private static final long serialVersionUID = 1L;
  static final String SCHEME = "gs";
  private static final String PREFIX = SCHEME + "://";

  private final String bucket;
  private final String object;

  private BucketResourceId(String bucket, String object) {
    this.bucket = bucket;
    this.object = object;
  }

  /** Parses {@code gs://bucket[/object]}; a directory gets its trailing "/" when {@code isDirectory}. */
  public static BucketResourceId parse(String uri, boolean isDirectory) {
    if (uri == null || !uri.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a gs:// location: " + uri);
    }
    String rest = uri.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String object = slash < 0 ? "" : rest.substring(slash + 1);
    if (!bucket.matches("[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]")) {
      throw new IllegalArgumentException("not a Cloud Storage bucket name in " + uri);
    }
    if (isDirectory && !object.isEmpty() && !object.endsWith("/")) {
      object += "/";
    }
    if (!isDirectory && (object.isEmpty() || object.endsWith("/"))) {
      throw new IllegalArgumentException("a file's location cannot end with '/' or be a bucket: " + uri);
    }
    return new BucketResourceId(bucket, object);
  }

  static BucketResourceId of(String bucket, String object) {
    return new BucketResourceId(bucket, object);
  }

  public String bucket() {
    return bucket;
  }

  /** The object name ("" for the bucket itself). */
  public String object() {
    return object;
  }

  public BlobId blobId() {
    return BlobId.of(bucket, object);
  }

  @Override
  public BucketResourceId resolve(String other, ResolveOptions options) {
    if (!isDirectory()) {
      throw new IllegalStateException("only a directory can resolve a name, not " + this);
    }
    boolean file = options == StandardResolveOptions.RESOLVE_FILE;
    if (!file && options != StandardResolveOptions.RESOLVE_DIRECTORY) {
      throw new IllegalArgumentException("unsupported resolve option " + options);
    }
    if (file && other.endsWith("/")) {
      throw new IllegalArgumentException("a file name cannot end with '/': " + other);
    }
    if (other.startsWith(PREFIX)) {
      return parse(other, !file);
    }
    String name = object + other;
    if (!file && !name.endsWith("/")) {
      name += "/";
    }
    return new BucketResourceId(bucket, name);
  }

  @Override
  public BucketResourceId getCurrentDirectory() {
    if (isDirectory()) {
      return this;
    }
    int slash = object.lastIndexOf('/');
    return new BucketResourceId(bucket, slash < 0 ? "" : object.substring(0, slash + 1));
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public String getFilename() {
    if (object.isEmpty()) {
      return null;
    }
    String name = object.endsWith("/") ? object.substring(0, object.length() - 1) : object;
    return name.substring(name.lastIndexOf('/') + 1);
  }

  @Override
  public boolean isDirectory() {
    return object.isEmpty() || object.endsWith("/");
  }

  @Override
  public String toString() {
    return PREFIX + bucket + "/" + object;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketResourceId other && bucket.equals(other.bucket) && object.equals(other.object);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bucket, object);
  }
}
