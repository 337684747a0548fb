package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.reports.Csv;

/** One line of manifest.csv: what became of one input file. {@code study} and {@code reason} may be empty. */
public record ManifestRow(String path, long size, Outcome outcome, String study, String reason) {
  public static final String CSV_HEADER = "path,size,outcome,study,reason";

  public ManifestRow {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(outcome, "outcome");
    study = study == null ? "" : study;
    reason = reason == null ? "" : reason;
  }

  public String toCsv() {
    return Csv.line(path, Long.toString(size), outcome.label(), study, reason);
  }

  public static ManifestRow fromCsv(String line) {
    var f = Csv.parseLine(line);
    if (f.size() != 5) {
      throw new IllegalArgumentException("a manifest row has 5 fields, this one " + f.size());
    }
    return new ManifestRow(f.get(0), Long.parseLong(f.get(1)), Outcome.ofLabel(f.get(2)), f.get(3), f.get(4));
  }

  public static final class Coder extends CustomCoder<ManifestRow> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ManifestRow value, OutputStream out) throws IOException {
      STRING.encode(value.path(), out);
      LONG.encode(value.size(), out);
      ByteCoder.of().encode((byte) value.outcome().ordinal(), out);
      STRING.encode(value.study(), out);
      STRING.encode(value.reason(), out);
    }

    @Override
    public ManifestRow decode(InputStream in) throws IOException {
      String path = STRING.decode(in);
      long size = LONG.decode(in);
      Outcome outcome = Outcome.values()[ByteCoder.of().decode(in)];
      return new ManifestRow(path, size, outcome, STRING.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
