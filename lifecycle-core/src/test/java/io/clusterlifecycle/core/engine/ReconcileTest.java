package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.ReconcileCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.RecordingEventListener;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Lifecycle.reconcile}: the record against what the provider lists (design §7.9). */
class ReconcileTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private Cluster create() {
    return h.engine.create(
        CreateCluster.builder(
                AppSpec.builder("db", "1.0")
                    .role("db", r -> r.count(3).service("start", "s"))
                    .build(),
                "kv")
            .build());
  }

  @Test
  void aClusterJustCreated_isInSync() {
    Cluster c = create();

    Drift drift = h.engine.reconcile("kv");

    assertThat(drift.clusterId()).isEqualTo(c.id());
    assertThat(drift.inSync()).as("%s", drift.findings()).isTrue();
    assertThat(drift.operation()).isEmpty();
  }

  @Test
  void lostLeakedAndStoppedResources_areEachFound_andNothingChanges() {
    Cluster c = create();
    h.resources.removeUntracked(new NodeRef(c.id(), "kv-db-1"));
    h.resources.addUntracked(
        NodeSpec.builder()
            .ref(new NodeRef(c.id(), "kv-db-9"))
            .clusterName("kv")
            .namespace(c.namespace())
            .role("db")
            .cpu(1)
            .memory(1024)
            .volumeSize(0)
            .mountPoint("")
            .image("")
            .tags(Map.of())
            .build());
    h.resources.stop(new NodeRef(c.id(), "kv-db-2")).join();
    long writesBefore = h.store.cluster(c.id()).orElseThrow().version();

    Drift drift = h.engine.reconcile(c.id());

    assertThat(drift.findings())
        .extracting(f -> f.kind() + " " + f.nodeId())
        .containsExactly("MISSING kv-db-1", "STATE_MISMATCH kv-db-2", "UNKNOWN kv-db-9");
    assertThat(drift.findings().get(0).detail())
        .startsWith("recorded RUNNING at ")
        .endsWith("the infrastructure has no resource for it");
    assertThat(drift.findings().get(1).detail())
        .isEqualTo("recorded RUNNING; its resource is stopped");
    assertThat(drift.findings().get(2).detail())
        .contains("resource of role db", "tagged with the cluster; the record has no such node");
    assertThat(h.store.cluster(c.id()).orElseThrow().version())
        .as("reconcile reads only")
        .isEqualTo(writesBefore);
    assertThat(h.resources.resource(new NodeRef(c.id(), "kv-db-9"))).isPresent();
  }

  @Test
  void periodicReconciles_emitADriftEventPerDifference_andNoneWhileInSync() {
    Cluster c = create();
    RecordingEventListener drift = new RecordingEventListener();
    LifecycleEngine watching =
        LifecycleEngine.builder()
            .resourceProvider(h.resources)
            .commandExecutor(h.commands)
            .metadataStore(h.metadata)
            .clusterStore(h.store)
            .eventListener(drift)
            .scheduler(h.scheduler)
            .reconcileEvery(java.time.Duration.ofMillis(50))
            .build();
    await()
        .during(java.time.Duration.ofMillis(300))
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> drift.events(EventType.DRIFT_FOUND).isEmpty());

    h.resources.removeUntracked(new NodeRef(c.id(), "kv-db-3"));

    await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> !drift.events(EventType.DRIFT_FOUND).isEmpty());
    LifecycleEvent e = drift.events(EventType.DRIFT_FOUND).get(0);
    assertThat(e.cluster()).contains(c.id());
    assertThat(e.node()).contains("kv-db-3");
    assertThat(e.role()).contains("db");
    assertThat(e.operation()).isEmpty();
    assertThat(e.message()).hasValueSatisfying(m -> assertThat(m).startsWith("MISSING: recorded"));
    watching.close();
  }

  private NodeSpec stray(Cluster c, String nodeId) {
    return NodeSpec.builder()
        .ref(new NodeRef(c.id(), nodeId))
        .clusterName("kv")
        .namespace(c.namespace())
        .role("db")
        .cpu(1)
        .memory(1024)
        .volumeSize(0)
        .mountPoint("")
        .image("")
        .tags(Map.of())
        .build();
  }

  @Test
  void theFix_recreatesStartsAndDeletes_asAJournaledOperation_andLeavesTheClusterInSync() {
    Cluster c = create();
    h.resources.removeUntracked(new NodeRef(c.id(), "kv-db-1"));
    h.resources.stop(new NodeRef(c.id(), "kv-db-2")).join();
    h.resources.addUntracked(stray(c, "kv-db-9"));
    int startsBefore = h.commands.runCount("start");

    Operation op = h.engine.execute(ReconcileCluster.of("kv"));

    assertThat(op.type()).isEqualTo(OperationType.RECONCILE);
    assertThat(op.state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(h.engine.reconcile("kv").findings()).isEmpty();
    Cluster after = h.engine.get("kv");
    assertThat(after.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(after.nodes()).extracting(Node::id).containsExactly("kv-db-1", "kv-db-2", "kv-db-3");
    assertThat(h.resources.resource(new NodeRef(c.id(), "kv-db-1"))).isPresent();
    assertThat(h.resources.resource(new NodeRef(c.id(), "kv-db-9"))).isEmpty();
    assertThat(h.commands.runs("start").stream().skip(startsBefore).map(r -> r.nodeId()))
        .containsExactlyInAnyOrder("kv-db-1", "kv-db-2");
    assertThat(h.stages())
        .containsExactly(
            "delete resources: -kv-db-9",
            "start instances: up:kv-db-2",
            "create resources: +kv-db-1",
            "publish /hosts: put",
            "start (order 0): start@kv-db-1=0",
            "start (order 0): start@kv-db-2=0");
    assertThat(h.engine.journal(op.id())).isNotEmpty();
  }

  @Test
  void theFix_adoptsAnUnknownResourceOfARole_whenAsked() {
    Cluster c = create();
    h.resources.addUntracked(stray(c, "kv-db-9"));

    h.engine.execute(ReconcileCluster.of(c.id()).adoptingUnknown());

    Cluster after = h.engine.get("kv");
    assertThat(after.nodes()).extracting(Node::id).contains("kv-db-9");
    assertThat(after.node("kv-db-9").orElseThrow().state()).isEqualTo(NodeState.RUNNING);
    assertThat(h.engine.reconcile("kv").findings()).isEmpty();
    assertThat(h.resources.resource(new NodeRef(c.id(), "kv-db-9"))).isPresent();
  }

  @Test
  void theFix_deletesAnUnknownResourceOfARoleTheSpecLacks_evenWhenAskedToAdopt() {
    Cluster c = create();
    h.resources.addUntracked(stray(c, "kv-ghost-1").toBuilder().role("ghost").build());

    Operation op = h.engine.execute(ReconcileCluster.of("kv").adoptingUnknown());

    assertThat(op.state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(h.resources.resource(new NodeRef(c.id(), "kv-ghost-1"))).isEmpty();
    assertThat(h.engine.get("kv").nodes())
        .extracting(Node::id)
        .containsExactly("kv-db-1", "kv-db-2", "kv-db-3");
    assertThat(h.engine.reconcile("kv").inSync()).isTrue();
  }

  @Test
  void theFix_ofAClusterInSync_doesNothing() {
    create();

    Operation op = h.engine.execute(ReconcileCluster.of("kv"));

    assertThat(op.state()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(op.plan().stages()).isEmpty();
    assertThat(h.engine.get("kv").state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void anUnknownCluster_isNotFound() {
    assertThatThrownBy(() -> h.engine.reconcile("nope")).isInstanceOf(NotFoundException.class);
  }
}
