package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The fields of a {@link ParsedInstance} in order, its reconciliation elements as the bytes it holds them in
 * ({@link org.pacsmigrate.format.p10.DicomFileCodec}'s deterministic form): no data set is built when a record is
 * decoded. A typical CT header's record is a few hundred bytes.
 */
public final class ParsedInstanceCoder extends StatelessCoder<ParsedInstance> {
  private static final ParsedInstanceCoder INSTANCE = new ParsedInstanceCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private ParsedInstanceCoder() {}

  public static ParsedInstanceCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(ParsedInstance value, OutputStream out) throws IOException {
    STRING.encode(value.path(), out);
    LONG.encode(value.size(), out);
    LONG.encode(value.modified(), out);
    STRING.encode(value.studyUid(), out);
    STRING.encode(value.seriesUid(), out);
    STRING.encode(value.sopInstanceUid(), out);
    STRING.encode(value.sopClassUid(), out);
    STRING.encode(value.transferSyntaxUid(), out);
    INT.encode(value.attributeCount(), out);
    STRING.encode(value.sourceAe(), out);
    BYTES.encode(value.headerDigest(), out);
    BYTES.encode(value.reconciliationEncoding(), out);
  }

  @Override
  public ParsedInstance decode(InputStream in) throws IOException {
    String path = STRING.decode(in);
    long size = LONG.decode(in);
    long modified = LONG.decode(in);
    String study = STRING.decode(in);
    String series = STRING.decode(in);
    String sop = STRING.decode(in);
    String sopClass = STRING.decode(in);
    String syntax = STRING.decode(in);
    int count = INT.decode(in);
    String ae = STRING.decode(in);
    byte[] digest = BYTES.decode(in);
    return new ParsedInstance(path, size, modified, study, series, sop, sopClass, syntax, count, ae,
        BYTES.decode(in), digest);
  }
}
