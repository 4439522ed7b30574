package io.clusterlifecycle.events.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker for the tests: one KRaft node, broker and controller in one, run in this JVM
 * from the Maven artifacts. It listens on 127.0.0.1 only, on two free ports, and keeps its data in
 * a directory of the caller's; {@link #stop()} and {@link #start()} restart it on the same ports
 * and data, as an operator's restart would.
 */
final class KafkaBroker implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Properties config;
  private KafkaRaftServer server;
  private long lastStartMillis;

  private KafkaBroker(Path dir, int port, Properties config) {
    this.dir = dir;
    this.port = port;
    this.config = config;
  }

  /**
   * Formats a new node's storage under {@code dir} and starts it.
   *
   * @param dir an empty directory, for the configuration and the logs
   * @return the running broker
   */
  static KafkaBroker formatAndStart(Path dir) throws IOException {
    // Kafka exits the JVM on a fatal error; here that fails the test instead of killing the fork
    Exit.setExitProcedure(KafkaBroker::refuseExit);
    Exit.setHaltProcedure(KafkaBroker::refuseExit);
    List<Integer> ports = freePorts();
    int port = ports.get(0);
    int controllerPort = ports.get(1);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // a small machine: few threads, a small cleaner buffer
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "test broker");
    }
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    int code;
    try (PrintStream ps = new PrintStream(said, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
              ps);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "kafka-storage format failed (" + code + "): " + said.toString(StandardCharsets.UTF_8));
    }
    KafkaBroker broker = new KafkaBroker(dir, port, p);
    broker.start();
    return broker;
  }

  /** Starts the node on its ports and data; returns once the broker is unfenced. */
  void start() {
    if (server != null) {
      throw new IllegalStateException("the broker is running");
    }
    long t0 = System.nanoTime();
    KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
    s.startup();
    server = s;
    lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** Shuts the node down cleanly and waits until it has. */
  void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer s = server;
    server = null;
    s.shutdown();
    s.awaitShutdown();
  }

  /** How long the last {@link #start()} took. */
  long lastStartMillis() {
    return lastStartMillis;
  }

  /** The broker's address, for {@code bootstrap.servers}. */
  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The directory of its data. */
  Path dir() {
    return dir;
  }

  /** Creates a topic with this many partitions and waits until it is there. */
  void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      Exit.resetExitProcedure();
      Exit.resetHaltProcedure();
    }
  }

  private static void refuseExit(int code, String message) {
    throw new IllegalStateException("Kafka asked to exit the JVM with " + code + ": " + message);
  }

  /** Two ports free on 127.0.0.1 now; both sockets are open at once so they differ. */
  private static List<Integer> freePorts() throws IOException {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    try (ServerSocket a = new ServerSocket(0, 1, loopback);
        ServerSocket b = new ServerSocket(0, 1, loopback)) {
      return List.of(a.getLocalPort(), b.getLocalPort());
    }
  }
}
