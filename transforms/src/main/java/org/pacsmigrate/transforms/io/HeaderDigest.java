package org.pacsmigrate.transforms.io;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomFileCodec;

/**
 * SHA-256 of a parsed header in {@link DicomFileCodec}'s canonical form: the file meta, every element of the data
 * set (values in memory, offsets and lengths of those left in the file), the transfer syntax and the size. Two
 * reads of an unchanged file give the same digest; a file rewritten between the parse and the archive step
 * almost surely does not.
 */
public final class HeaderDigest {
  private HeaderDigest() {}

  public static byte[] of(DicomFile header) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    // Buffered: the codec writes a byte or an int at a time, and a digest fed byte by byte costs a tenth of the
    // parse. The bytes digested are the same.
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        new DigestOutputStream(OutputStream.nullOutputStream(), sha), 8192))) {
      DicomFileCodec.write(header, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to a digest", e);
    }
    return sha.digest();
  }
}
