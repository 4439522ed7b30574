package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
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

  @Test
  void anUnknownCluster_isNotFound() {
    assertThatThrownBy(() -> h.engine.reconcile("nope")).isInstanceOf(NotFoundException.class);
  }
}
