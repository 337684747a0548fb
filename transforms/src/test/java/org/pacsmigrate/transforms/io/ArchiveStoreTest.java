package org.pacsmigrate.transforms.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.archive.ArchiveInstance;
import org.pacsmigrate.format.archive.ArchiveLayout;
import org.pacsmigrate.format.archive.SourceOpener;
import org.pacsmigrate.format.archive.StudyArchiveWriter;
import org.pacsmigrate.transforms.TestDicom;
import org.pacsmigrate.transforms.io.ArchiveStore.Layout;
import org.pacsmigrate.transforms.gcs.InMemoryStorage;

/** Both layouts, on a local folder and on the in-memory Cloud Storage: the same bytes, the right headers. */
class ArchiveStoreTest {
  @TempDir Path dir;

  private List<ArchiveInstance> instances(int n) throws IOException {
    List<ArchiveInstance> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Path file = TestDicom.write(dir.resolve("in/" + i + ".dcm"), TestDicom.image("1.2.3." + i, i));
      out.add(new ArchiveInstance(SourceHeaders.reread(TestDicom.parse(file)), SourceOpener.of(file)));
    }
    return out;
  }

  /** The reference: the entries of the local ZIP, by name. */
  private Map<String, byte[]> zipEntries(List<ArchiveInstance> instances) throws IOException {
    ArchiveStore store = ArchiveStore.under(dir.resolve("zip").toString());
    store.write(TestDicom.STUDY, instances);
    Map<String, byte[]> entries = new TreeMap<>();
    try (ZipFile zip = new ZipFile(store.target(TestDicom.STUDY).toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
      }
    }
    return entries;
  }

  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
    return files;
  }

  private static void assertSameEntries(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  @Test
  void aLocalTreeHoldsTheZipsEntriesAsFilesAndARerunRemovesWhatTheStudyNoLongerHas() throws IOException {
    List<ArchiveInstance> three = instances(3);
    Map<String, byte[]> expected = zipEntries(three);
    ArchiveStore tree = ArchiveStore.under(dir.resolve("out").toString(), Layout.TREE, InMemoryStorage.class);
    StudyArchiveWriter.Result result = tree.write(TestDicom.STUDY, three);
    Map<String, byte[]> written = files(dir.resolve("out/archive"));
    assertSameEntries(expected, written);
    assertEquals(written.values().stream().mapToLong(b -> b.length).sum(), result.bytes());
    assertEquals(3, result.instances());

    // The same study again with one instance fewer (the input changed): its entries go, the rest is rewritten.
    Map<String, byte[]> two = zipEntries(three.subList(0, 2));
    tree.write(TestDicom.STUDY, three.subList(0, 2));
    assertSameEntries(two, files(dir.resolve("out/archive")));
  }

  @Test
  void onCloudStorageAZipIsOneObjectAndATreeCarriesTheHeadersForHttpGet() throws IOException {
    List<ArchiveInstance> two = instances(2);
    Map<String, byte[]> expected = zipEntries(two);
    Storage storage = InMemoryStorage.client();

    ArchiveStore.under("gs://archive-store-test/zip", Layout.ZIP, InMemoryStorage.class)
        .write(TestDicom.STUDY, two);
    Blob zip = storage.get("archive-store-test", "zip/archive/" + TestDicom.STUDY + ".zip");
    assertEquals("application/zip", zip.getContentType());
    assertArrayEquals(Files.readAllBytes(dir.resolve("zip/archive/" + TestDicom.STUDY + ".zip")), zip.getContent());

    ArchiveStore.under("gs://archive-store-test/tree/", Layout.TREE, InMemoryStorage.class)
        .write(TestDicom.STUDY, two);
    Map<String, byte[]> objects = new TreeMap<>();
    for (Blob b : storage.list("archive-store-test", Storage.BlobListOption.prefix("tree/archive/")).iterateAll()) {
      String name = b.getName().substring("tree/archive/".length());
      objects.put(name, b.getContent());
      if (name.endsWith("/metadata")) {
        assertEquals("application/dicom+json", b.getContentType(), name);
        assertEquals("gzip", b.getContentEncoding(), name);
      } else {
        assertTrue(name.contains("/frames/") || name.contains("/bulkdata/"), name);
        assertEquals("multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1;"
            + " boundary=" + ArchiveLayout.BOUNDARY,
            b.getContentType(), name);
        assertNull(b.getContentEncoding(), name);
      }
    }
    assertSameEntries(expected, objects);
  }

  @Test
  void anOutputThatIsNeitherAFolderNorABucketIsRefusedBeforeTheJobStarts() {
    assertThrows(IllegalArgumentException.class, () -> ArchiveStore.under("s3://bucket/x"));
    assertThrows(IllegalArgumentException.class, () -> ArchiveStore.under("gs://Bad_Bucket/x"));
    assertEquals(Layout.TREE, Layout.parse("Tree"));
    assertThrows(IllegalArgumentException.class, () -> Layout.parse("folders"));
    assertFalse(ArchiveStore.under("gs://bucket/x").toString().isEmpty());
  }
}
