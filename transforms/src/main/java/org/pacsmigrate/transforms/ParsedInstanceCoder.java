package org.pacsmigrate.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.format.p10.DicomFileCodec;

/** Path, size, then the header in {@link DicomFileCodec}'s deterministic form. */
public final class ParsedInstanceCoder extends CustomCoder<ParsedInstance> {
  private static final ParsedInstanceCoder INSTANCE = new ParsedInstanceCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private ParsedInstanceCoder() {}

  public static ParsedInstanceCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ParsedInstance value, OutputStream out) throws IOException {
    STRING.encode(value.path(), out);
    LONG.encode(value.size(), out);
    // DataOutputStream does not buffer, so nothing is left behind in it when the outer stream moves on.
    DicomFileCodec.write(value.header(), new DataOutputStream(out));
  }

  @Override
  public ParsedInstance decode(InputStream in) throws IOException {
    String path = STRING.decode(in);
    long size = LONG.decode(in);
    return new ParsedInstance(path, size, DicomFileCodec.read(new DataInputStream(in)));
  }

  @Override
  public void verifyDeterministic() {
    // DicomFileCodec encodes the same header to the same bytes.
  }
}
