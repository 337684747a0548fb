package org.pacsmigrate.transforms.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;

/**
 * Beam's view of Cloud Storage for the {@code gs} scheme, on Google's {@code google-cloud-storage} client: what
 * lets {@code ListFiles}, {@code ParseHeaders}, the archive writer's source reads and the reports' sinks treat
 * {@code gs://bucket/prefix} exactly like a folder. The client comes from the {@link StorageFactory} the job's
 * options name, made on first use (a job on local folders never builds one, so needs no credentials).
 *
 * <p>Globs: {@code *} and {@code ?} within one name segment, {@code **} across segments, {@code [...]} and
 * {@code {a,b}}; the object listing is narrowed to the literal prefix before the first wildcard. Objects whose
 * names end in "/" (folder placeholders made by consoles) are directories and never match.
 */
final class BucketFileSystem extends FileSystem<BucketResourceId> {
  private static final Pattern GLOB = Pattern.compile("[*?\\[\\]{}]");

  private final Class<? extends StorageFactory> factory;

  BucketFileSystem(Class<? extends StorageFactory> factory) {
    this.factory = factory;
  }

  private Storage storage() {
    return StorageClients.get(factory);
  }

  @Override
  protected String getScheme() {
    return BucketResourceId.SCHEME;
  }

  @Override
  protected List<MatchResult> match(List<String> specs) {
    List<MatchResult> results = new ArrayList<>();
    for (String spec : specs) {
      try {
        results.add(matchOne(spec));
      } catch (IOException e) {
        results.add(MatchResult.create(MatchResult.Status.ERROR, e));
      } catch (StorageException | IllegalArgumentException e) {
        results.add(MatchResult.create(MatchResult.Status.ERROR, new IOException(spec + ": " + e.getMessage(), e)));
      }
    }
    return results;
  }

  private MatchResult matchOne(String spec) throws IOException {
    BucketResourceId where = BucketResourceId.parse(spec, spec.endsWith("/"));
    String name = where.object();
    if (!GLOB.matcher(name).find()) {
      Blob blob = name.isEmpty() || name.endsWith("/") ? null : storage().get(where.blobId());
      if (blob == null) {
        return MatchResult.create(MatchResult.Status.NOT_FOUND, new FileNotFoundException(spec));
      }
      return MatchResult.create(MatchResult.Status.OK, List.of(metadata(blob)));
    }
    Matcher matcher = new Matcher(name);
    List<MatchResult.Metadata> found = new ArrayList<>();
    for (Blob blob : storage().list(where.bucket(), Storage.BlobListOption.prefix(matcher.prefix))
        .iterateAll()) {
      if (!blob.getName().endsWith("/") && matcher.pattern.matcher(blob.getName()).matches()) {
        found.add(metadata(blob));
      }
    }
    return MatchResult.create(MatchResult.Status.OK, found);
  }

  private static MatchResult.Metadata metadata(Blob blob) {
    OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
    return MatchResult.Metadata.builder()
        .setResourceId(BucketResourceId.of(blob.getBucket(), blob.getName()))
        .setSizeBytes(blob.getSize() == null ? 0 : blob.getSize())
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(updated == null ? 0 : updated.toInstant().toEpochMilli())
        .build();
  }

  /** A glob as a regular expression over object names, and the literal prefix that narrows the listing. */
  static final class Matcher {
    final String prefix;
    final Pattern pattern;

    Matcher(String glob) {
      java.util.regex.Matcher first = GLOB.matcher(glob);
      prefix = first.find() ? glob.substring(0, first.start()) : glob;
      StringBuilder regex = new StringBuilder();
      boolean inClass = false;
      int braces = 0;
      for (int i = 0; i < glob.length(); i++) {
        char c = glob.charAt(i);
        if (inClass) {
          if (c == ']') {
            inClass = false;
            regex.append(']');
          } else if (c == '\\' || c == '[') {
            regex.append('\\').append(c);
          } else {
            regex.append(c);
          }
          continue;
        }
        switch (c) {
          case '*' -> {
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
              regex.append(".*");
              i++;
            } else {
              regex.append("[^/]*");
            }
          }
          case '?' -> regex.append("[^/]");
          case '[' -> {
            inClass = true;
            regex.append('[');
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '!') {
              regex.append('^');
              i++;
            }
          }
          case '{' -> {
            braces++;
            regex.append("(?:");
          }
          case '}' -> {
            if (braces == 0) {
              throw new IllegalArgumentException("unbalanced '}' in " + glob);
            }
            braces--;
            regex.append(')');
          }
          case ',' -> regex.append(braces > 0 ? "|" : ",");
          default -> regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      if (inClass || braces > 0) {
        throw new IllegalArgumentException("unbalanced '[' or '{' in " + glob);
      }
      pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
  }

  @Override
  protected WritableByteChannel create(BucketResourceId id, CreateOptions options) throws IOException {
    // The object appears when the channel is closed (one upload); Beam's sinks write under temporary names and
    // rename, so a failed write never shows under a final name.
    BlobInfo info = BlobInfo.newBuilder(id.blobId()).setContentType(options.mimeType()).build();
    try {
      return storage().writer(info);
    } catch (StorageException e) {
      throw new IOException(id + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected ReadableByteChannel open(BucketResourceId id) throws IOException {
    try {
      return BucketReadChannel.open(storage(), id);
    } catch (StorageException e) {
      throw new IOException(id + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void copy(List<BucketResourceId> sources, List<BucketResourceId> destinations) throws IOException {
    checkPairs(sources, destinations);
    for (int i = 0; i < sources.size(); i++) {
      copyOne(sources.get(i), destinations.get(i));
    }
  }

  private void copyOne(BucketResourceId from, BucketResourceId to) throws IOException {
    try {
      Blob source = storage().get(from.blobId());
      if (source == null) {
        throw new NoSuchFileException(from.toString());
      }
      // The headers are named explicitly, so the copy keeps them whatever the service's default.
      BlobInfo target = BlobInfo.newBuilder(to.blobId()).setContentType(source.getContentType())
          .setContentEncoding(source.getContentEncoding()).setMetadata(source.getMetadata()).build();
      storage().copy(Storage.CopyRequest.newBuilder().setSource(from.blobId()).setTarget(target).build())
          .getResult();
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        throw new NoSuchFileException(from.toString());
      }
      throw new IOException("copy " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected void rename(List<BucketResourceId> sources, List<BucketResourceId> destinations,
      MoveOptions... options) throws IOException {
    checkPairs(sources, destinations);
    Set<MoveOptions> set = Set.of(options);
    for (int i = 0; i < sources.size(); i++) {
      BucketResourceId from = sources.get(i);
      BucketResourceId to = destinations.get(i);
      if (set.contains(StandardMoveOptions.SKIP_IF_DESTINATION_EXISTS) && exists(to)) {
        continue;
      }
      try {
        copyOne(from, to);
      } catch (NoSuchFileException e) {
        if (set.contains(StandardMoveOptions.IGNORE_MISSING_FILES)) {
          continue;
        }
        throw e;
      }
      deleteOne(from);
    }
  }

  @Override
  protected void delete(Collection<BucketResourceId> ids) throws IOException {
    for (BucketResourceId id : ids) {
      // A directory is only a name prefix: nothing to delete (a placeholder object, if any, is left alone).
      if (!id.isDirectory()) {
        deleteOne(id);
      }
    }
  }

  private void deleteOne(BucketResourceId id) throws IOException {
    try {
      storage().delete(id.blobId());
    } catch (StorageException e) {
      throw new IOException("delete " + id + ": " + e.getMessage(), e);
    }
  }

  private boolean exists(BucketResourceId id) throws IOException {
    try {
      return storage().get(id.blobId()) != null;
    } catch (StorageException e) {
      throw new IOException(id + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected BucketResourceId matchNewResource(String spec, boolean isDirectory) {
    return BucketResourceId.parse(spec, isDirectory);
  }

  private static void checkPairs(List<BucketResourceId> a, List<BucketResourceId> b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException(a.size() + " sources for " + b.size() + " destinations");
    }
  }
}
