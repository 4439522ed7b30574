package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.events.kafka.TopicReader.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publisher against a real Kafka 4.2 broker (KRaft, broker and controller in one node, in this
 * JVM): an engine run end to end, the status snapshots, the documented schema, and a broker restart
 * in the middle of a run.
 */
class KafkaEventPublisherIT {
  private static final Duration READ_AT_MOST = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static KafkaBroker broker;

  private final Engines engines = new Engines();
  private final List<KafkaEventPublisher> publishers = new ArrayList<>();
  private String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.formatAndStart(dir);
    System.out.printf(
        "Kafka broker started in %d ms on %s%n",
        broker.lastStartMillis(), broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void createTopic() throws Exception {
    topic = "lifecycle-" + UUID.randomUUID();
    broker.createTopic(topic, 3);
  }

  @AfterEach
  void close() {
    engines.close();
    publishers.forEach(KafkaEventPublisher::close);
  }

  private KafkaEventPublisher publisher(UnaryOperator<KafkaEventPublisherBuilder> settings) {
    KafkaEventPublisher p =
        settings
            .apply(
                KafkaEventPublisher.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .topic(topic))
            .build();
    publishers.add(p);
    return p;
  }

  private TopicReader reader() {
    return new TopicReader(broker.bootstrapServers(), topic);
  }

  private static void lifecycle(LifecycleEngine engine, String name) {
    engine.create(CreateCluster.builder(Engines.spec(), name).build());
    engine.addNodes(AddNodes.of(name, "worker", 1));
    engine.execute(StopCluster.of(name));
    engine.execute(StartCluster.of(name));
  }

  @Test
  void twoClustersRunConcurrently_eachClustersEventsArriveOnceAndInOrder_andStatusesShowState()
      throws Exception {
    KafkaEventPublisher publisher =
        publisher(
            b ->
                b.clusterStore(engines.store)
                    .scheduler(engines.scheduler)
                    .statusInterval(Duration.ofMillis(300)));
    LifecycleEngine engine = engines.engine(publisher);

    CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> lifecycle(engine, "alpha")),
            CompletableFuture.runAsync(() -> lifecycle(engine, "beta")))
        .get(60, TimeUnit.SECONDS);

    List<LifecycleEvent> emitted = engines.recorded.events();
    Map<String, List<Long>> emittedSeqs = engines.emittedSeqsByKey();
    Map<String, Cluster> current = new LinkedHashMap<>();
    for (String name : List.of("alpha", "beta")) {
      Cluster c = engine.get(name);
      current.put(c.id(), c);
    }
    assertThat(emittedSeqs.keySet()).containsExactlyInAnyOrderElementsOf(current.keySet());

    List<Message> read;
    try (TopicReader reader = reader()) {
      read =
          reader.readUntil(
              ms ->
                  count(ms, "event") >= emitted.size()
                      && current.values().stream().allMatch(c -> latestStatusShows(ms, c)),
              READ_AT_MOST);
    }

    Map<String, List<Message>> events = TopicReader.byKey(read, "event");
    Map<String, List<Long>> readSeqs = new LinkedHashMap<>();
    events.forEach((key, ms) -> readSeqs.put(key, ms.stream().map(m -> seq(m.json())).toList()));
    assertThat(readSeqs).as("per cluster, the events read, in order").isEqualTo(emittedSeqs);
    Map<Long, LifecycleEvent> bySeq = new LinkedHashMap<>();
    emitted.forEach(e -> bySeq.put(e.seq(), e));
    for (List<Message> ms : events.values()) {
      for (Message m : ms) {
        assertThat(summary(m.json())).isEqualTo(summary(bySeq.get(seq(m.json()))));
      }
    }
    for (List<Message> ms : events.values()) {
      assertThat(ms.stream().map(Message::partition).distinct())
          .as("one cluster, one partition")
          .hasSize(1);
    }

    Map<String, List<Message>> statuses = TopicReader.byKey(read, "status");
    assertThat(statuses.keySet()).containsExactlyInAnyOrderElementsOf(current.keySet());
    for (Cluster c : current.values()) {
      JsonNode last = statuses.get(c.id()).get(statuses.get(c.id()).size() - 1).json();
      assertThat(last.path("state").asText()).isEqualTo(ClusterState.RUNNING.name());
      assertThat(last.path("name").asText()).isEqualTo(c.name());
      assertThat(last.path("node_count").asInt()).isEqualTo(4);
      assertThat(last.path("nodes_by_state").path(NodeState.RUNNING.name()).asInt()).isEqualTo(4);
      assertThat(last.has("operation")).as("no operation under way").isFalse();
    }
    assertThat(publisher.stats().failed()).isZero();
    assertThat(publisher.stats().dropped()).isZero();
    System.out.printf(
        "engine run: %d events emitted for %d clusters; read back %d event and %d status"
            + " messages; publisher %s%n",
        emitted.size(),
        current.size(),
        count(read, "event"),
        count(read, "status"),
        publisher.stats());
  }

  @Test
  void everyMessage_matchesTheSchemaDocumentedInDocsKafkaMd() throws Exception {
    engines.commands.on("start").result("port=9092\nrole_ready=yes");
    KafkaEventPublisher publisher =
        publisher(
            b ->
                b.clusterStore(engines.store)
                    .scheduler(engines.scheduler)
                    .statusInterval(Duration.ofHours(1)));
    LifecycleEngine engine = engines.engine(publisher);
    engine.create(CreateCluster.builder(Engines.spec(), "gamma").build());
    // the new worker's start takes a second, long enough for a snapshot of the busy cluster
    engines.commands.clearRules();
    engines.commands.on("start").latency(Duration.ofSeconds(1));
    CompletableFuture<Cluster> adding =
        CompletableFuture.supplyAsync(() -> engine.addNodes(AddNodes.of("gamma", "worker", 1)));
    engines
        .commands
        .whenStarted(r -> r.nodeId().equals("gamma-worker-3") && r.service().equals("start"))
        .get(30, TimeUnit.SECONDS);
    int statuses = publisher.publishStatus().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(statuses).isEqualTo(1);
    assertThat(adding.get(30, TimeUnit.SECONDS).state()).isEqualTo(ClusterState.RUNNING);
    int emitted = engines.recorded.events().size();

    List<Message> read;
    try (TopicReader reader = reader()) {
      read =
          reader.readUntil(
              ms -> count(ms, "event") >= emitted && count(ms, "status") >= 1, READ_AT_MOST);
    }
    DocumentedSchema eventSchema = DocumentedSchema.of(KafkaEventPublisher.EVENT_SCHEMA);
    DocumentedSchema statusSchema = DocumentedSchema.of(KafkaEventPublisher.STATUS_SCHEMA);
    List<String> seenEventFields = new ArrayList<>();
    for (Message m : read) {
      if (m.type().equals("event")) {
        eventSchema.check(m.json());
        m.json().properties().forEach(e -> seenEventFields.add(e.getKey()));
      } else {
        assertThat(m.type()).isEqualTo("status");
        statusSchema.check(m.json());
      }
    }
    assertThat(new LinkedHashSet<>(seenEventFields))
        .as("the run exercised the optional fields")
        .contains("cluster", "operation", "op_type", "stage", "role", "node", "service")
        .contains("order", "exit_code", "path", "from", "to", "message", "results");
    JsonNode finished =
        read.stream()
            .map(Message::json)
            .filter(j -> j.path("event").asText().equals(EventType.COMMAND_FINISHED.name()))
            .filter(j -> j.has("results"))
            .findFirst()
            .orElseThrow();
    assertThat(finished.path("results").path("port").asText()).isEqualTo("9092");
    assertThat(TopicReader.byKey(read, "status").values().iterator().next())
        .map(Message::json)
        .as("the snapshot taken while the node was being added")
        .anySatisfy(
            j -> {
              assertThat(j.path("state").asText()).isEqualTo(ClusterState.SCALING.name());
              assertThat(j.path("operation").asText()).startsWith("op-");
            });
    System.out.printf(
        "schema check: %d event and %d status messages match docs/kafka.md%n",
        count(read, "event"), count(read, "status"));
  }

  @Test
  void brokerRestartedInTheMiddleOfARun_everyEventStillArrives_inOrderOfFirstOccurrence()
      throws Exception {
    KafkaEventPublisher publisher = publisher(UnaryOperator.identity());
    LifecycleEngine engine = engines.engine(publisher);
    engine.create(CreateCluster.builder(Engines.spec(), "delta").build());
    await("the first events are acknowledged")
        .atMost(READ_AT_MOST)
        .until(() -> publisher.stats().published() == engines.recorded.events().size());
    long acknowledgedBefore = publisher.stats().published();

    broker.stop();
    int emittedWhileDown;
    try {
      CompletableFuture.runAsync(
              () -> {
                engine.addNodes(AddNodes.of("delta", "worker", 1));
                engine.create(CreateCluster.builder(Engines.spec(), "epsilon").build());
              })
          .get(60, TimeUnit.SECONDS);
      emittedWhileDown = engines.recorded.events().size() - (int) acknowledgedBefore;
      assertThat(emittedWhileDown).isPositive();
      assertThat(publisher.stats().published())
          .as("nothing is acknowledged while the broker is away")
          .isEqualTo(acknowledgedBefore);
    } finally {
      broker.start();
    }
    System.out.printf(
        "Kafka broker restarted in %d ms; %d events were emitted while it was down%n",
        broker.lastStartMillis(), emittedWhileDown);
    engine.execute(StopCluster.of("epsilon"));
    int emitted = engines.recorded.events().size();
    await("every event is acknowledged")
        .atMost(Duration.ofSeconds(60))
        .until(() -> publisher.stats().published() >= emitted);

    Map<String, List<Long>> emittedSeqs = engines.emittedSeqsByKey();
    List<Message> read;
    try (TopicReader reader = reader()) {
      read = reader.readUntil(ms -> count(ms, "event") >= emitted, READ_AT_MOST);
    }
    Map<String, List<Long>> firstOccurrences = new LinkedHashMap<>();
    int duplicates = 0;
    for (Map.Entry<String, List<Message>> e : TopicReader.byKey(read, "event").entrySet()) {
      LinkedHashSet<Long> seqs = new LinkedHashSet<>();
      for (Message m : e.getValue()) {
        if (!seqs.add(seq(m.json()))) {
          duplicates++;
        }
      }
      firstOccurrences.put(e.getKey(), List.copyOf(seqs));
    }
    assertThat(firstOccurrences)
        .as("per cluster, every event once at least, in order of first occurrence")
        .isEqualTo(emittedSeqs);
    assertThat(publisher.stats().failed()).isZero();
    assertThat(publisher.stats().dropped()).isZero();
    System.out.printf(
        "broker restart: %d events emitted, %d event messages read (%d duplicates); publisher %s%n",
        emitted, count(read, "event"), duplicates, publisher.stats());
  }

  @Test
  void brokerDown_withShortTimeouts_sendsFail_areCounted_andNeverThrow() throws Exception {
    KafkaEventPublisher publisher =
        publisher(
            b ->
                b.producerProperty("delivery.timeout.ms", 1500)
                    .producerProperty("request.timeout.ms", 1000)
                    .producerProperty("max.block.ms", 500)
                    .producerProperty("linger.ms", 0));
    publisher.onEvent(event(1, "zeta-1"));
    await("the first event is acknowledged")
        .atMost(READ_AT_MOST)
        .until(() -> publisher.stats().published() == 1);

    broker.stop();
    try {
      long t0 = System.nanoTime();
      for (long seq = 2; seq <= 6; seq++) {
        LifecycleEvent e = event(seq, "zeta-1");
        assertThatCode(() -> publisher.onEvent(e)).doesNotThrowAnyException();
      }
      Duration calls = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(calls).as("onEvent never waits for the broker").isLessThan(Duration.ofMillis(500));
      await("the sends fail after the timeouts")
          .atMost(Duration.ofSeconds(20))
          .until(publisher::stats, s -> s.failed() == 5);
    } finally {
      broker.start();
    }
    assertThat(publisher.stats())
        .as("each failed send counted once, none published later")
        .isEqualTo(new PublisherStats(6, 1, 5, 0, 0));
    System.out.printf(
        "broker down with 0.5 s max.block.ms and 1.5 s delivery timeout: publisher %s;"
            + " broker back in %d ms%n",
        publisher.stats(), broker.lastStartMillis());
  }

  private static LifecycleEvent event(long seq, String cluster) {
    return LifecycleEvent.builder(EventType.WARNING)
        .cluster(cluster)
        .message("synthetic " + seq)
        .build(seq, Instant.now());
  }

  private static boolean latestStatusShows(List<Message> read, Cluster c) {
    List<Message> ms = TopicReader.byKey(read, "status").getOrDefault(c.id(), List.of());
    if (ms.isEmpty()) {
      return false;
    }
    JsonNode last = ms.get(ms.size() - 1).json();
    return last.path("record_version").asLong() == c.version()
        && last.path("state").asText().equals(c.state().name());
  }

  private static long count(List<Message> read, String type) {
    return read.stream().filter(m -> m.type().equals(type)).count();
  }

  private static long seq(JsonNode json) {
    return json.path("seq").asLong();
  }

  private static String summary(JsonNode j) {
    return String.join(
        "|",
        j.path("seq").asText(),
        Instant.parse(j.path("ts").asText()).toString(),
        j.path("event").asText(),
        j.path("cluster").asText(""),
        j.path("operation").asText(""),
        j.path("op_type").asText(""),
        j.path("stage").asText(""),
        j.path("node").asText(""),
        j.path("service").asText(""),
        j.path("exit_code").asText(""),
        j.path("to").asText(""),
        j.path("message").asText(""));
  }

  private static String summary(LifecycleEvent e) {
    return String.join(
        "|",
        String.valueOf(e.seq()),
        e.ts().toString(),
        e.event().name(),
        e.cluster().orElse(""),
        e.operation().orElse(""),
        e.opType().map(Enum::name).orElse(""),
        e.stage().orElse(""),
        e.node().orElse(""),
        e.service().orElse(""),
        e.exitCode().map(String::valueOf).orElse(""),
        e.to().orElse(""),
        e.message().orElse(""));
  }
}
