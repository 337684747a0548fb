package org.pacsmigrate.transforms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.transforms.io.FolderWalk;
import org.pacsmigrate.transforms.io.SourcePaths;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ManifestRow;

/**
 * Every entry below the input location, at any depth: the regular files to parse under {@link #FILES}, and a
 * manifest row under {@link #ACCOUNTED} for every entry that is not read (links not followed, FIFOs, sockets,
 * devices, folders that cannot be listed, second paths to a file already listed): nothing below the input is
 * left out of the manifest. An empty input is not an error (the reports then say 0 files).
 *
 * <p>A local folder is walked by {@link FolderWalk}, on its names' raw bytes (a line break, bytes that are not
 * UTF-8, any locale); paths cross the pipeline in the escaped form of {@link SourcePaths}. A bucket prefix is
 * listed through Beam's file systems with one {@code **} pattern (the bucket's listing by prefix keeps every
 * name; object names are UTF-8).
 *
 * <p>The files are then spread over workers for parsing in chunks of up to {@value #CHUNK_FILES}, in the
 * order listed, grouped by chunk number: a chunk is one small element (a list of paths and sizes, a few KB),
 * so a runner pays its per-element and per-bundle costs once per chunk, not per file (the Direct runner makes
 * a bundle per key, and each bundle costs every later step an evaluator). Files listed together stay
 * together: a folder's files, usually one study's, reach the study grouping in one or two bundles instead of
 * scattered over hundreds, and the Direct runner copies a study's group once per bundle that adds to it.
 * Chunks still spread the parsing over any cluster this job runs on (40 chunks per 20,000 files; 250 rather
 * than 100 cut each small-file run's steps before the grouping by 60%, and 500 rather than 250 half of the
 * rest, at no cost to the 2-core spread).
 *
 * <p>Limit: one worker walks the input and holds the listing (a few hundred bytes per file) in memory; going
 * beyond that means several runs over folders or prefixes that no study crosses (see the runbook).
 */
public final class ListFiles extends PTransform<PBegin, PCollectionTuple> {
  static final int CHUNK_FILES = 500;
  public static final TupleTag<ListedFile> FILES = new TupleTag<>() {};
  /** The listing's chunks as listed (number, files in name order): {@link #inChunks} only. */
  public static final TupleTag<KV<Integer, List<ListedFile>>> CHUNKS = new TupleTag<>() {};
  public static final TupleTag<ManifestRow> ACCOUNTED = new TupleTag<>() {};

  private final String input;
  private final boolean followLinks;
  private final boolean chunks;

  private ListFiles(String input, boolean followLinks, boolean chunks) {
    this.input = input;
    this.followLinks = followLinks;
    this.chunks = chunks;
  }

  /** @param input a folder or bucket prefix; its files are listed recursively */
  public static ListFiles under(String input) {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("an input folder or gs:// prefix is required");
    }
    // A bucket's input becomes the stem of a glob; names below it may hold anything, the stem may not.
    if (!SourcePaths.isLocal(input) && input.matches(".*[*?\\[\\]{}].*")) {
      throw new IllegalArgumentException("the input location may not contain * ? [ ] { } (it is matched as a "
          + "pattern): " + input);
    }
    return new ListFiles(input, false, false);
  }

  /** Follows symbolic links in a local folder (see {@link FolderWalk}); by default each link is a row. */
  public ListFiles followingLinks(boolean follow) {
    return new ListFiles(input, follow, chunks);
  }

  /**
   * Hands on the chunks as listed under {@link #CHUNKS}, not spread file by file under {@link #FILES}: for a delta
   * run, which compares whole chunks with the index and reads only what changed.
   */
  public ListFiles inChunks() {
    return new ListFiles(input, followLinks, true);
  }

  /** The pattern that matches every file below the input. */
  public static String pattern(String input) {
    return input.endsWith("/") ? input + "**" : input + "/**";
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple listed = begin
        .apply("Input", Create.of(input))
        .apply("List", ParDo.of(new ListFn(followLinks)).withOutputTags(CHUNKS, TupleTagList.of(ACCOUNTED)));
    listed.get(CHUNKS).setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(ListedFile.Coder.of())));
    listed.get(ACCOUNTED).setCoder(ManifestRow.Coder.of());
    if (chunks) {
      return PCollectionTuple.of(CHUNKS, listed.get(CHUNKS)).and(ACCOUNTED, listed.get(ACCOUNTED));
    }
    // A grouping by chunk number rather than Reshuffle: the same spread, and on the Direct runner one step per
    // chunk instead of four (Reshuffle's expansion, then the chunk's unpacking).
    PCollection<ListedFile> spread = listed.get(CHUNKS)
        .apply("Spread", GroupByKey.create())
        .apply("Unchunk", ParDo.of(new UnchunkFn()))
        .setCoder(ListedFile.Coder.of());
    return PCollectionTuple.of(FILES, spread).and(ACCOUNTED, listed.get(ACCOUNTED));
  }

  /** Each chunk's files, in the order listed. */
  private static final class UnchunkFn extends DoFn<KV<Integer, Iterable<List<ListedFile>>>, ListedFile> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<List<ListedFile>>> chunks, OutputReceiver<ListedFile> out) {
      for (List<ListedFile> chunk : chunks.getValue()) {
        chunk.forEach(out::output);
      }
    }
  }

  private static final class ListFn extends DoFn<String, KV<Integer, List<ListedFile>>> {
    private final Counter listed = MigrationMetrics.counter(MigrationMetrics.FILES_LISTED);
    private final Counter listingComplete = MigrationMetrics.counter(MigrationMetrics.LISTING_COMPLETE);
    private final boolean followLinks;

    ListFn(boolean followLinks) {
      this.followLinks = followLinks;
    }

    @ProcessElement
    public void process(@Element String input, MultiOutputReceiver out) throws IOException {
      List<ListedFile> chunk = new ArrayList<>(CHUNK_FILES);
      int[] chunks = {0};
      Consumer<ListedFile> file = f -> {
        listed.inc();
        chunk.add(f);
        if (chunk.size() == CHUNK_FILES) {
          out.get(CHUNKS).output(KV.of(chunks[0]++, List.copyOf(chunk)));
          chunk.clear();
        }
      };
      // A listing that fails (no permission on the input, bucket missing) is not data: the job stops, saying why.
      if (SourcePaths.isLocal(input)) {
        FolderWalk.walk(Path.of(input), followLinks, new FolderWalk.Sink() {
          @Override
          public void file(ListedFile listedFile) {
            file.accept(listedFile);
          }

          @Override
          public void row(ManifestRow row) {
            listed.inc();
            out.get(ACCOUNTED).output(row);
          }
        });
      } else {
        MatchResult match = FileSystems.match(pattern(input), EmptyMatchTreatment.ALLOW);
        for (MatchResult.Metadata m : match.metadata()) {
          if (!m.resourceId().isDirectory()) {
            file.accept(new ListedFile(SourcePaths.escape(m.resourceId().toString()), m.sizeBytes(),
                m.lastModifiedMillis()));
          }
        }
      }
      if (!chunk.isEmpty()) {
        out.get(CHUNKS).output(KV.of(chunks[0], List.copyOf(chunk)));
      }
      listingComplete.inc();
    }
  }
}
