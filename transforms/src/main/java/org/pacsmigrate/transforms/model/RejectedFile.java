package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.ParseHeaders;

/**
 * A file that could not be taken into the archive when its header was read: the dead-letter record of
 * {@link ParseHeaders}. {@code study} is the Study Instance UID when it was readable and valid, else empty.
 * The reason names what is wrong and where, never an attribute value.
 */
public record RejectedFile(String path, long size, String study, String reason) {

  public ManifestRow toManifestRow() {
    return new ManifestRow(path, size, Outcome.REJECTED, study, reason);
  }

  public static final class Coder extends CustomCoder<RejectedFile> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RejectedFile value, OutputStream out) throws IOException {
      STRING.encode(value.path(), out);
      LONG.encode(value.size(), out);
      STRING.encode(value.study(), out);
      STRING.encode(value.reason(), out);
    }

    @Override
    public RejectedFile decode(InputStream in) throws IOException {
      return new RejectedFile(STRING.decode(in), LONG.decode(in), STRING.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
