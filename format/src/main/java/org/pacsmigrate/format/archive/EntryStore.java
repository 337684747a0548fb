package org.pacsmigrate.format.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Where a study archive's entries are read from: the study ZIP, or the tree it was unzipped into. */
interface EntryStore extends Closeable {

  /** The entry's length in bytes, or -1 when there is no such entry; no entry data is read. */
  long size(String name) throws IOException;

  /** The entry's bytes; the caller closes the stream. */
  InputStream open(String name) throws IOException;

  /** Every entry name below the study folder. */
  List<String> names() throws IOException;

  /** Names of the frame entries in {@code framesFolder} (such as "studies/1/series/2/instances/3/frames/"). */
  List<String> frameNames(String framesFolder) throws IOException;
}
