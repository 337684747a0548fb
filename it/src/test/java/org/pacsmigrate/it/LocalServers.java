package org.pacsmigrate.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The DICOMweb servers the client tests and the benchmark compare: {@code serve} (the pipeline jar), Orthanc with
 * its DICOMweb plugin (Debian {@code orthanc}, {@code orthanc-dicomweb}) and nginx serving the tree layout with
 * the runbook's block (Debian {@code nginx-light}). Each runs with its own configuration and storage in a
 * temporary folder, on a free loopback port, and is stopped by its process handle. A program that is not
 * installed makes the test skip, saying so.
 */
final class LocalServers {
  static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
  static final Path ORTHANC_DICOMWEB = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LocalServers() {}

  /** A started server: its DICOMweb root URL (no trailing slash) and its process. */
  record Server(String name, String root, Process process, Path log) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      PipelineJar.stop(process, Duration.ofSeconds(10));
    }
  }

  static void require(Path program, String install) {
    if (!Files.isExecutable(program) && !Files.isRegularFile(program)) {
      String message = "SKIPPED: " + program + " is not installed (" + install + ")";
      System.err.println(message);
      Assumptions.abort(message);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code java -jar dicomweb-migrate.jar serve --archive=OUTPUT} on a free port. */
  static Server serve(Path output, Path work) throws Exception {
    int port = freePort();
    Path log = work.resolve("serve.log");
    Process p = new ProcessBuilder(PipelineJar.java().toString(), "-Xmx1g", "-jar", PipelineJar.path().toString(),
        "serve", "--archive=" + output, "--port=" + port).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    Server s = new Server("serve", "http://127.0.0.1:" + port, p, log);
    awaitHttp(s, s.root() + "/studies");
    return s;
  }

  /** Orthanc with the DICOMweb plugin, storage in {@code work}, no DICOM port, loaded with {@code files}. */
  static Server orthanc(List<Path> files, Path work) throws Exception {
    require(ORTHANC, "apt-get install orthanc");
    require(ORTHANC_DICOMWEB, "apt-get install orthanc-dicomweb");
    int port = freePort();
    Path storage = Files.createDirectories(work.resolve("orthanc-storage"));
    Path config = work.resolve("orthanc.json");
    Files.writeString(config, """
        { "Name": "it", "StorageDirectory": "%s", "IndexDirectory": "%s", "HttpPort": %d,
          "HttpBindAddress": "127.0.0.1", "DicomServerEnabled": false, "RemoteAccessAllowed": false,
          "AuthenticationEnabled": false, "KeepAlive": true, "HttpThreadsCount": 8,
          "Plugins": ["%s"],
          "DicomWeb": {"Enable": true, "Root": "/dicom-web/", "StudiesMetadata": "Full", "SeriesMetadata": "Full"} }
        """.formatted(storage, storage, port, ORTHANC_DICOMWEB));
    Path log = work.resolve("orthanc.log");
    Process p = new ProcessBuilder(ORTHANC.toString(), config.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    Server s = new Server("orthanc", "http://127.0.0.1:" + port + "/dicom-web", p, log);
    awaitHttp(s, "http://127.0.0.1:" + port + "/system");
    for (Path f : files) {
      HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/instances"))
          .POST(HttpRequest.BodyPublishers.ofFile(f)).build();
      HttpResponse<String> r;
      try {
        r = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        // Orthanc closes an idle kept-alive connection after a second; the client may have picked it just then.
        r = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
      }
      if (r.statusCode() != 200) {
        throw new IOException("Orthanc refused " + f + ": " + r.statusCode() + " " + r.body());
      }
    }
    return s;
  }

  /** nginx serving {@code treeOutput/archive} with the runbook's server block (runbooks/run-on-gcs.md). */
  static Server nginx(Path treeOutput, Path work) throws Exception {
    require(NGINX, "apt-get install nginx-light");
    int port = freePort();
    Path prefix = Files.createDirectories(work.resolve("nginx"));
    Path conf = prefix.resolve("nginx.conf");
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.writeString(conf, """
        %s
        worker_processes 2;
        daemon off;
        pid %s/nginx.pid;
        error_log %s/error.log;
        events { worker_connections 256; }
        http {
            access_log off;
            client_body_temp_path %s/body;
            proxy_temp_path %s/proxy;
            fastcgi_temp_path %s/fastcgi;
            uwsgi_temp_path %s/uwsgi;
            scgi_temp_path %s/scgi;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 1000000;
            server {
                listen 127.0.0.1:%d;
                root %s;
                location ~ "^/studies/[0-9.]+/metadata$" {
                    types { }
                    default_type application/dicom+json;
                    add_header Content-Encoding gzip;
                    gzip off;
                }
                location ~ "^/studies/[0-9.]+/series/[0-9.]+/instances/[0-9.]+/(frames|bulkdata)/" {
                    types { }
                    default_type 'multipart/related; type="application/octet-stream"; boundary=pacsmigrate.archive.part.5f0c2b7e9d4a1836e7b0c5f2a9d3e618';
                }
            }
        }
        """.formatted(root ? "user root;" : "", prefix, prefix, prefix, prefix, prefix, prefix, prefix, port,
        treeOutput.resolve("archive").toAbsolutePath()));
    Path log = work.resolve("nginx.log");
    Process p = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Server s = new Server("nginx", "http://127.0.0.1:" + port, p, log);
    awaitHttp(s, s.root() + "/");
    return s;
  }

  /** Waits until the server answers anything at {@code url}. */
  static void awaitHttp(Server s, String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process().isAlive()) {
        throw new IOException(s.name() + " ended: " + Files.readString(s.log(), StandardCharsets.UTF_8));
      }
      try {
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    s.close();
    throw new IOException(s.name() + " did not answer at " + url);
  }

  /** Runs the npm client's viewer sequence ({@code it/clients/viewer-sequence.js}) against a server. */
  static void viewerSequence(String root, Path out, List<String> studies) throws Exception {
    Path clients = clients();
    List<String> command = new ArrayList<>(List.of("node", clients.resolve("viewer-sequence.js").toString(), root,
        out.toString()));
    command.addAll(studies);
    Path log = Files.createDirectories(out).resolve("node.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("the client's sequence failed: " + Files.readString(log));
      }
    } finally {
      PipelineJar.stop(p, Duration.ofSeconds(5));
    }
  }

  /** it/clients with its npm packages installed (npm ci from the committed lock file when they are not). */
  static Path clients() throws Exception {
    Path dir = Path.of(System.getProperty("it.clients", "clients")).toAbsolutePath();
    if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
      dir = Path.of("it/clients").toAbsolutePath();
    }
    if (!commandWorks("node", "--version")) {
      Assumptions.abort("SKIPPED: node is not installed (apt-get install nodejs npm)");
    }
    if (!Files.isDirectory(dir.resolve("node_modules/dicomweb-client"))) {
      if (!commandWorks("npm", "--version")) {
        Assumptions.abort("SKIPPED: the npm packages of " + dir + " are not installed and npm is missing");
      }
      Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("npm ci in " + dir + " failed: " + out);
      }
    }
    return dir;
  }

  private static boolean commandWorks(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
