package org.pacsmigrate.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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

/**
 * A real Flink standalone session cluster on loopback: a JobManager and a TaskManager, each a JVM of its own,
 * started from Flink's jars as Maven Central has them (no Flink distribution, no shell scripts), so the pipeline
 * jar is submitted over REST exactly as to a production cluster. {@link #close()} stops both processes (by the
 * handles this class holds, never by name) and everything they started.
 *
 * <p>Without Flink's scripts every TaskManager memory component and its cores must be given explicitly, or the
 * TaskManager refuses to start; the configuration below is the one in runbooks/run-on-flink.md, scaled down.
 */
final class FlinkCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final Path dir;
  private final int restPort;
  private final List<Process> processes = new ArrayList<>();

  private FlinkCluster(Path dir, int restPort) {
    this.dir = dir;
    this.restPort = restPort;
  }

  /**
   * Starts the cluster in {@code dir} (configuration and logs) and returns once its REST API reports one
   * TaskManager with {@code slots} slots.
   */
  static FlinkCluster start(Path dir, int slots) throws IOException, InterruptedException {
    int restPort = freePort();
    int rpcPort = freePort();
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("flink-conf.yaml"), configuration(restPort, rpcPort, slots),
        StandardCharsets.UTF_8);
    FlinkCluster cluster = new FlinkCluster(dir, restPort);
    try {
      cluster.launch("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", conf);
      cluster.launch("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", conf);
      cluster.awaitTaskManager(slots);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  static String configuration(int restPort, int rpcPort, int slots) {
    return """
        jobmanager.rpc.address: 127.0.0.1
        jobmanager.rpc.port: %d
        jobmanager.bind-host: 127.0.0.1
        rest.address: 127.0.0.1
        rest.bind-address: 127.0.0.1
        rest.port: %d
        taskmanager.bind-host: 127.0.0.1
        taskmanager.host: 127.0.0.1
        taskmanager.numberOfTaskSlots: %d
        parallelism.default: %d
        jobmanager.memory.process.size: 1024m
        taskmanager.cpu.cores: %d
        taskmanager.memory.framework.heap.size: 128m
        taskmanager.memory.framework.off-heap.size: 128m
        taskmanager.memory.task.heap.size: 512m
        taskmanager.memory.task.off-heap.size: 0m
        taskmanager.memory.network.min: 256m
        taskmanager.memory.network.max: 256m
        taskmanager.memory.managed.size: 128m
        taskmanager.memory.jvm-metaspace.size: 256m
        taskmanager.memory.jvm-overhead.min: 192m
        taskmanager.memory.jvm-overhead.max: 192m
        """.formatted(rpcPort, restPort, slots, slots, slots);
  }

  /** What {@code --flinkMaster} takes: the JobManager's REST address. */
  String master() {
    return "127.0.0.1:" + restPort;
  }

  /** {@code GET /overview}: TaskManagers, slots, and how many jobs are running, finished, failed. */
  JsonNode overview() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + master() + "/overview"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /overview answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  /** The processes' logs, for a failure's message. */
  String logs() {
    StringBuilder b = new StringBuilder();
    for (String name : List.of("jobmanager", "taskmanager")) {
      b.append("--- ").append(name).append(" log (last lines) ---\n")
          .append(PipelineJar.tail(dir.resolve(name + ".log"))).append('\n');
    }
    return b.toString();
  }

  private void launch(String name, String mainClass, Path conf) throws IOException {
    List<String> command = List.of(PipelineJar.java().toString(), "-cp", classpath(), mainClass,
        "--configDir", conf.toString());
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(p);
  }

  private void awaitTaskManager(int slots) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Flink process exited with " + p.exitValue() + " while starting\n"
              + logs());
        }
      }
      try {
        JsonNode overview = overview();
        last = overview.toString();
        if (overview.path("taskmanagers").asInt() == 1 && overview.path("slots-total").asInt() == slots) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the cluster did not report 1 TaskManager with " + slots + " slots in "
        + START_TIMEOUT + " (last: " + last + ")\n" + logs());
  }

  /** Flink's jars and their dependencies, as maven-dependency-plugin wrote them at build time (it/pom.xml). */
  private static String classpath() throws IOException {
    String file = System.getProperty("flink.cluster.classpath", "");
    if (file.isBlank() || !Files.isRegularFile(Path.of(file))) {
      throw new IllegalStateException("no Flink classpath file at '" + file + "': run the tests through Maven");
    }
    return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    // TaskManager first, so the JobManager does not spend the shutdown on restarting its jobs.
    List<Process> reversed = new ArrayList<>(processes);
    java.util.Collections.reverse(reversed);
    for (Process p : reversed) {
      try {
        PipelineJar.stop(p, STOP_GRACE);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (Process p : processes) {
      if (p.isAlive()) {
        throw new UncheckedIOException(new IOException("a Flink process (pid " + p.pid() + ") is still alive"));
      }
    }
  }
}
