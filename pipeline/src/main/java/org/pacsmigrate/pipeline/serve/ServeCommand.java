package org.pacsmigrate.pipeline.serve;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code serve --archive=OUTPUT [--port=8042] [--bind=127.0.0.1]}: WADO-RS and QIDO-RS over a migration's output
 * (study ZIPs, the tree layout, or both), on Jetty 12, read only, until the process is stopped.
 */
public final class ServeCommand implements AutoCloseable {
  public static final String USAGE = """
      serve --archive=OUTPUT [--port=8042] [--bind=127.0.0.1]
        Serves the studies of OUTPUT/archive (ZIPs or the tree layout) by DICOMweb (WADO-RS, QIDO-RS; read only)
        at http://BIND:PORT/studies/... until stopped. Binds to the loopback interface unless --bind says
        otherwise (0.0.0.0: every interface). --port=0 picks a free port.""";

  private final Server server;
  private final ServedArchive archive;
  private final QidoIndex index;

  private ServeCommand(Server server, ServedArchive archive, QidoIndex index) {
    this.server = server;
    this.archive = archive;
    this.index = index;
  }

  /** Indexes the archive and starts the server; returns once it listens. */
  public static ServeCommand start(Path output, String bind, int port) throws Exception {
    ServedArchive archive = ServedArchive.open(output);
    QidoIndex index = QidoIndex.build(archive);
    QueuedThreadPool threads = new QueuedThreadPool(64, 8);
    threads.setName("serve");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Frame lists (frames/1,2,...,n, which Pixel Data's BulkDataURI names) make long request lines.
    http.setRequestHeaderSize(64 * 1024);
    http.setOutputBufferSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    // Frames are hundreds of KB: a large send buffer lets one write hand the kernel a whole frame from the mapping.
    connector.setAcceptedSendBufferSize(4 << 20);
    connector.setHost(bind);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new DicomWebHandler(archive, index));
    server.start();
    return new ServeCommand(server, archive, index);
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    ServerConnector c = (ServerConnector) server.getConnectors()[0];
    return new InetSocketAddress(c.getHost(), c.getLocalPort());
  }

  public int studies() {
    return index.studies().size();
  }

  /** The command line: prints what it serves and where, then serves until the process ends. */
  public static int run(PrintStream out, Args parsed) throws Exception {
    ServeCommand serve = start(Path.of(parsed.archive()), parsed.bind(), parsed.port());
    out.println("serving " + serve.studies() + " studies (" + serve.archive.zipCount() + " ZIPs, "
        + serve.archive.treeCount() + " in the tree layout) from " + serve.archive.folder());
    for (String u : serve.index.unreadable()) {
      out.println("  left out, metadata cannot be read: " + u);
    }
    InetSocketAddress a = serve.address();
    out.println("DICOMweb service root: http://" + a.getHostString() + ":" + a.getPort() + "/ (QIDO-RS "
        + "/studies, WADO-RS /studies/{uid}/...); stop with Ctrl-C");
    out.flush();
    serve.server.join();
    return 0;
  }

  /** The subcommand's arguments. */
  public record Args(String archive, String bind, int port) {}

  @Override
  public void close() throws Exception {
    server.stop();
    archive.close();
  }
}
