package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.pacsmigrate.transforms.model.ReconciledStudy;

/**
 * SHA-256 of everything a study's archive is made from, short of the frames' bytes: each kept file's record
 * (location, size, modification time, UIDs, the digest of its whole header), the duplicates set aside, whether it
 * is held, and every value reconciliation changes, in the deterministic encoding of {@link ReconciledStudy.Coder}.
 * The frames are read from files whose size, modification time and header digest are part of it. Equal
 * fingerprints, same archive bytes: the writer is deterministic.
 */
public final class StudyFingerprint {
  private StudyFingerprint() {}

  /** @param layout the archive layout (zip or tree): the same study laid out otherwise is another archive */
  public static byte[] of(ReconciledStudy study, String layout) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
        out.write(("generation=" + IndexIdentity.GENERATION + ";layout=" + layout + ";")
            .getBytes(StandardCharsets.US_ASCII));
        ReconciledStudy.Coder.of().encode(study, out);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: no output", e);
    }
  }
}
