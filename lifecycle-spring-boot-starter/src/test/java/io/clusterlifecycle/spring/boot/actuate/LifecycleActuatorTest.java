package io.clusterlifecycle.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spring.boot.LifecycleAutoConfiguration;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.Simulator;
import io.clusterlifecycle.testkit.SpiMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator and the endpoint, with their conditions. */
class LifecycleActuatorTest {
  @TempDir Path tmp;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                LifecycleAutoConfiguration.class,
                LifecycleHealthAutoConfiguration.class,
                LifecycleEndpointAutoConfiguration.class))
        .withPropertyValues(
            "lifecycle.home=" + tmp.resolve("home"),
            "management.endpoints.jmx.exposure.include=lifecycle",
            "spring.jmx.enabled=true");
  }

  @Test
  void healthIsUpWithTheStoreReachableAndNoLeaseBehind() {
    runner()
        .run(
            context -> {
              Health health = context.getBean(LifecycleHealthIndicator.class).health(true);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("store", "reachable")
                  .containsEntry("leasesRenewed", 0);
            });
  }

  @Test
  void healthIsDownWhenTheStoreDoesNotAnswer() {
    InMemoryClusterStore store = new InMemoryClusterStore();
    runner()
        .withBean(ClusterStore.class, () -> store)
        .withPropertyValues("management.health.lifecycle.timeout=300ms")
        .run(
            context -> {
              store.close();
              Health health = context.getBean(LifecycleHealthIndicator.class).health(true);
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails().get("store").toString()).startsWith("unreachable");
            });
  }

  @Test
  void healthIsDownWhileALeaseFallsBehind() {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    Simulator sim = Simulator.builder().seed(5).scheduler(scheduler).build();
    ScriptedCommandExecutor commands =
        ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    commands.on("slow").latency(Duration.ofSeconds(4));
    AppSpec spec =
        AppSpec.builder("db", "1.0")
            .role(
                "db",
                r -> r.count(1).service("start", "s").service("stop", "x").service("slow", "z"))
            .build();
    try {
      runner()
          .withBean(ClusterStore.class, () -> sim.wrap(new InMemoryClusterStore()))
          .withBean(CommandExecutor.class, () -> commands)
          .withBean(
              ResourceProvider.class,
              () -> InMemoryResourceProvider.builder().scheduler(scheduler).build())
          .withBean(MetadataStore.class, InMemoryMetadataStore::new)
          .withPropertyValues("lifecycle.lease.duration=1500ms")
          .run(
              context -> {
                Lifecycle lifecycle = context.getBean(Lifecycle.class);
                LifecycleHealthIndicator indicator =
                    context.getBean(LifecycleHealthIndicator.class);
                String id = lifecycle.create(CreateCluster.builder(spec, "db1").build()).id();
                lifecycle.submit(RunService.of(id, "slow"));
                commands.whenStarted(run -> run.service().equals("slow")).get(30, TimeUnit.SECONDS);
                assertThat(indicator.health(true).getDetails()).containsEntry("leasesRenewed", 1);

                sim.permanentFailures(List.of(SpiMethod.STORE_PUT, SpiMethod.STORE_WRITE), 1.0);
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
                assertThat(indicator.health(true).getDetails())
                    .containsEntry("leasesBehind", List.of(id));
                sim.clearFaults();
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> indicator.health(true).getStatus().equals(Status.UP));
              });
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void theHealthIndicatorCanBeTurnedOff() {
    runner()
        .withPropertyValues("management.health.lifecycle.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(LifecycleHealthIndicator.class));
  }

  @Test
  void anApplicationEngineGetsTheIndicatorAndTheEndpointToo() {
    ScriptedCommandExecutor commands = ScriptedCommandExecutor.builder().build();
    runner()
        .withBean(
            Lifecycle.class,
            () ->
                LifecycleEngine.builder()
                    .resourceProvider(InMemoryResourceProvider.builder().build())
                    .commandExecutor(commands)
                    .metadataStore(new InMemoryMetadataStore())
                    .clusterStore(new InMemoryClusterStore())
                    .build())
        .run(
            context -> {
              assertThat(context).hasSingleBean(LifecycleEndpoint.class);
              Health health = context.getBean(LifecycleHealthIndicator.class).health(true);
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).doesNotContainKey("store");
            });
  }

  @Test
  void theEndpointListsClustersAndTheOperationsRunningNow() {
    AppSpec spec =
        AppSpec.builder("slow-stop", "2.1")
            .role("app", r -> r.count(2).service("start", "true").service("stop", "sleep 30"))
            .build();
    runner()
        .run(
            context -> {
              Lifecycle lifecycle = context.getBean(Lifecycle.class);
              LifecycleEndpoint endpoint = context.getBean(LifecycleEndpoint.class);
              lifecycle.create(CreateCluster.builder(spec, "web").label("tier", "front").build());
              assertThat(endpoint.estate().running()).isEmpty();
              assertThat(endpoint.estate().clusters())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.name()).isEqualTo("web");
                        assertThat(c.app()).isEqualTo("slow-stop");
                        assertThat(c.version()).isEqualTo("2.1");
                        assertThat(c.state()).isEqualTo("RUNNING");
                        assertThat(c.nodes()).isEqualTo(2);
                      });

              lifecycle.submit(RestartCluster.of("web"));
              await()
                  .atMost(Duration.ofSeconds(20))
                  .until(() -> !endpoint.estate().running().isEmpty());
              LifecycleEndpoint.OperationSummary running = endpoint.estate().running().get(0);
              assertThat(running.type()).isEqualTo("RESTART");
              assertThat(running.state()).isEqualTo("RUNNING");
              assertThat(endpoint.estate().clusters().get(0).operation()).isEqualTo(running.id());

              LifecycleEndpoint.ClusterDetail detail = endpoint.cluster("web");
              assertThat(detail.nodes()).hasSize(2).allMatch(n -> n.address() != null);
              assertThat(detail.operations())
                  .extracting(LifecycleEndpoint.OperationSummary::type)
                  .containsExactly("CREATE", "RESTART");
              assertThat(endpoint.cluster("no-such-cluster")).isNull();
              lifecycle.cancel("web");
            });
  }

  @Test
  void theEndpointIsOnlyThereWhenExposed() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                LifecycleAutoConfiguration.class, LifecycleEndpointAutoConfiguration.class))
        .withPropertyValues("lifecycle.home=" + tmp.resolve("home"))
        .run(context -> assertThat(context).doesNotHaveBean(LifecycleEndpoint.class));
  }
}
