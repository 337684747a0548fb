package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.io.SourceChannels;
import org.pacsmigrate.transforms.io.SourcePaths;

/**
 * A regular file the listing found, to be parsed: its location in the escaped form of {@link SourcePaths} (the
 * manifest's path, and what {@link SourceChannels#open} reopens byte for byte), its size and its modification
 * time (ms since the epoch; 0 when unknown) when listed.
 */
public record ListedFile(String path, long size, long modified) {

  public ListedFile {
    Objects.requireNonNull(path, "path");
  }

  /** A file whose modification time is not known. */
  public ListedFile(String path, long size) {
    this(path, size, 0L);
  }

  public static final class Coder extends CustomCoder<ListedFile> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ListedFile value, OutputStream out) throws IOException {
      STRING.encode(value.path(), out);
      LONG.encode(value.size(), out);
      LONG.encode(value.modified(), out);
    }

    @Override
    public ListedFile decode(InputStream in) throws IOException {
      return new ListedFile(STRING.decode(in), LONG.decode(in), LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
