package org.pacsmigrate.transforms.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * The reference file as the job's workers get it. What is serialized into the reconciliation DoFn is only the
 * file's location and the SHA-256 of the bytes checked when the job was built; each worker JVM parses the file
 * once, on first use, keeps the index in a static cache shared by its threads, and refuses a file whose bytes
 * changed since. (In the JVM that built the job, as on the Direct runner and embedded Flink, the index parsed at
 * construction is used: the file is read once.)
 *
 * <p>Why not the two usual ways: a copy serialized into the DoFn puts the whole index (hundreds of MB for a 10^6-row
 * master patient index) into the job graph, which Flink ships through RPC messages of a few MB and deserializes
 * once per task; a side input map (View.asMap) is materialized per task as well, after a shuffle of the whole
 * file. Here memory is one index per worker JVM, and nothing of the file crosses the job graph or a shuffle.
 */
public final class ReferenceSource implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, ReferenceIndex> CACHE = new ConcurrentHashMap<>();

  private final String location;
  private final String sha256;
  private final ReconciliationRules rules;

  private ReferenceSource(String location, String sha256, ReconciliationRules rules) {
    this.location = location;
    this.sha256 = sha256;
    this.rules = rules;
  }

  /**
   * Reads and checks the file (a path or any location Beam's file systems read, such as gs://).
   *
   * @throws IllegalArgumentException when it cannot be read or is wrong, naming the lines
   */
  public static ReferenceSource load(String location, ReconciliationRules rules) {
    byte[] bytes = read(location);
    String digest = sha256(bytes);
    ReferenceIndex index = ReferenceIndex.parse(new String(bytes, StandardCharsets.UTF_8), location, rules);
    CACHE.put(digest, index);
    return new ReferenceSource(location, digest, rules);
  }

  /** The parsed index: this JVM's copy, read on first use. */
  public ReferenceIndex index() {
    return CACHE.computeIfAbsent(sha256, d -> {
      byte[] bytes = read(location);
      if (!sha256(bytes).equals(sha256)) {
        throw new IllegalStateException("the reference file " + location + " changed while the job ran; rerun");
      }
      return ReferenceIndex.parse(new String(bytes, StandardCharsets.UTF_8), location, rules);
    });
  }

  public String location() {
    return location;
  }

  private static byte[] read(String location) {
    try {
      MatchResult.Metadata file = FileSystems.matchSingleFileSpec(location);
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
        return in.readAllBytes();
      }
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("reference " + location + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("reference " + location + ": cannot be read", e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
