package io.clusterlifecycle.spi.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.testkit.HangingCreates;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An engine dies in the middle of a create on the real OpenStack, after Nova made the servers and
 * before the engine recorded them; another engine recovers the cluster: the provider finds each
 * server by its name and metadata instead of booting a second one, and the create finishes.
 */
class OpenStackRecoverIT {
  private static final int NODES = 3;

  private final ScheduledExecutorService deadScheduler = Executors.newScheduledThreadPool(1);
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final InMemoryClusterStore store = new InMemoryClusterStore();
  private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    deadScheduler.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void anEngineKilledMidCreate_isRecoveredByAnother_withoutASecondServer() throws Exception {
    NovaView view = new NovaView(RealStack.api());
    CountDownLatch booted = new CountDownLatch(NODES);
    LifecycleEngine a =
        engine(
            new HangingCreates(provider(), booted),
            b -> b.scheduler(deadScheduler).leaseDuration(Duration.ofSeconds(5)));

    AppSpec spec =
        AppSpec.builder("rec", "1.0")
            .role(
                "db",
                r ->
                    OpenStackEngineIT.services(r)
                        .count(NODES)
                        .cpu(1)
                        .memory(512)
                        .image("app-1.0")
                        .volume(1, "/data"))
            .build();
    CompletableFuture<Operation> lost = a.submit(CreateCluster.builder(spec, "rec").build());
    assertThat(booted.await(120, TimeUnit.SECONDS))
        .as("the dying engine booted the servers")
        .isTrue();
    deadScheduler.shutdownNow();
    String clusterId = store.list().toCompletableFuture().get(30, TimeUnit.SECONDS).get(0).id();
    Map<String, String> before =
        view.servers(clusterId).stream().collect(Collectors.toMap(Server::name, Server::id));
    assertThat(before).hasSize(NODES);

    LifecycleEngine b =
        engine(provider(), x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    Cluster recovered = b.recover("rec", Duration.ofMinutes(2));

    assertThat(recovered.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(recovered.nodes()).hasSize(NODES);
    Map<String, String> after =
        view.servers(clusterId).stream().collect(Collectors.toMap(Server::name, Server::id));
    assertThat(after).as("the servers the dead engine booted, and no others").isEqualTo(before);
    for (String name : before.keySet()) {
      assertThat(view.named(name)).as("servers named %s", name).hasSize(1);
    }
    assertThat(lost).isNotDone();

    b.delete(DeleteCluster.of("rec"));
    assertThat(view.servers(clusterId)).isEmpty();
  }

  private OpenStackResourceProvider provider() {
    OpenStackResourceProvider p = RealStack.provider().build();
    open.add(p);
    return p;
  }

  private LifecycleEngine engine(
      ResourceProvider resources, Consumer<LifecycleEngineBuilder> tweak) {
    ScriptedCommandExecutor commands =
        ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    open.add(commands);
    LifecycleEngineBuilder builder =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(metadata)
            .clusterStore(store)
            .scheduler(scheduler);
    tweak.accept(builder);
    LifecycleEngine engine = builder.build();
    open.add(engine);
    return engine;
  }
}
