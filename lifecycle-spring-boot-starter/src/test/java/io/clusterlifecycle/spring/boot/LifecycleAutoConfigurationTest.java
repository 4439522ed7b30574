package io.clusterlifecycle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** One test per condition of {@link LifecycleAutoConfiguration}. */
class LifecycleAutoConfigurationTest {
  @TempDir Path tmp;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
        .withPropertyValues("lifecycle.home=" + tmp.resolve("home"));
  }

  @Test
  void byDefaultAnEngineRunsLocalNodesWithItsRecordsInSqliteInTheHome() {
    runner()
        .run(
            context -> {
              assertThat(context).hasSingleBean(LifecycleEngine.class);
              assertThat(context.getBean(ClusterStore.class)).isInstanceOf(JdbcClusterStore.class);
              assertThat(context).hasSingleBean(LocalInfrastructure.class);
              Lifecycle lifecycle = context.getBean(Lifecycle.class);
              lifecycle.create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(lifecycle.get("c1").state()).isEqualTo(ClusterState.RUNNING);
              assertThat(tmp.resolve("home").resolve(ClusterStores.STORE_FILE)).isRegularFile();
              assertThat(tmp.resolve("home/nodes")).isDirectoryContaining(p -> true);
            });
  }

  @Test
  void theDefaultTimeoutPropertyReachesTheEngine() {
    runner()
        .withPropertyValues("lifecycle.default-timeout=1s")
        .run(
            context -> {
              Lifecycle lifecycle = context.getBean(Lifecycle.class);
              assertThatThrownBy(
                      () ->
                          lifecycle.create(
                              CreateCluster.builder(TestSpecs.slowStart(30), "late").build()))
                  .isInstanceOfAny(LifecycleTimeoutException.class, OperationFailedException.class)
                  .hasMessageContaining("timed out");
            });
  }

  @Test
  void anApplicationResourceProviderReplacesTheLocalOne() {
    InMemoryResourceProvider mine = InMemoryResourceProvider.builder().build();
    runner()
        .withBean(ResourceProvider.class, () -> mine)
        .run(
            context -> {
              assertThat(context.getBean(ResourceProvider.class)).isSameAs(mine);
              assertThat(context.getBean(CommandExecutor.class))
                  .isSameAs(context.getBean(LocalInfrastructure.class).commands());
            });
  }

  @Test
  void anApplicationCommandExecutorReplacesTheLocalOne() {
    ScriptedCommandExecutor mine = ScriptedCommandExecutor.builder().build();
    runner()
        .withBean(CommandExecutor.class, () -> mine)
        .run(
            context -> {
              assertThat(context.getBean(CommandExecutor.class)).isSameAs(mine);
              assertThat(context.getBean(ResourceProvider.class))
                  .isSameAs(context.getBean(LocalInfrastructure.class).resources());
            });
  }

  @Test
  void anApplicationMetadataStoreReplacesTheLocalOne() {
    InMemoryMetadataStore mine = new InMemoryMetadataStore();
    runner()
        .withBean(MetadataStore.class, () -> mine)
        .run(context -> assertThat(context.getBean(MetadataStore.class)).isSameAs(mine));
  }

  @Test
  void withAllThreeInfrastructureBeansNoLocalInfrastructureIsOpened() {
    InMemoryResourceProvider resources = InMemoryResourceProvider.builder().build();
    ScriptedCommandExecutor commands = ScriptedCommandExecutor.builder().build();
    runner()
        .withPropertyValues("lifecycle.infrastructure=none")
        .withBean(ResourceProvider.class, () -> resources)
        .withBean(CommandExecutor.class, () -> commands)
        .withBean(MetadataStore.class, InMemoryMetadataStore::new)
        .run(
            context -> {
              Lifecycle lifecycle = context.getBean(Lifecycle.class);
              lifecycle.create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(lifecycle.get("c1").state()).isEqualTo(ClusterState.RUNNING);
              assertThat(commands.runs("start")).hasSize(2);
              assertThat(context).doesNotHaveBean(LocalInfrastructure.class);
              assertThat(tmp.resolve("home/nodes")).doesNotExist();
            });
  }

  @Test
  void noInfrastructureAndNoBeansFailsNamingTheMissingSpi() {
    runner()
        .withPropertyValues("lifecycle.infrastructure=none")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(ResourceProvider.class.getName()));
  }

  @Test
  void anApplicationClusterStoreReplacesSqlite() {
    InMemoryClusterStore mine = new InMemoryClusterStore();
    runner()
        .withBean(ClusterStore.class, () -> mine)
        .run(
            context -> {
              context
                  .getBean(Lifecycle.class)
                  .create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(mine.list().toCompletableFuture().join()).hasSize(1);
              assertThat(tmp.resolve("home").resolve(ClusterStores.STORE_FILE)).doesNotExist();
            });
  }

  @Test
  void anApplicationEngineTurnsTheWholeAutoConfigurationOff() {
    runner()
        .withBean(
            Lifecycle.class,
            () ->
                LifecycleEngine.builder()
                    .resourceProvider(InMemoryResourceProvider.builder().build())
                    .commandExecutor(ScriptedCommandExecutor.builder().build())
                    .metadataStore(new InMemoryMetadataStore())
                    .clusterStore(new InMemoryClusterStore())
                    .build())
        .run(
            context -> {
              assertThat(context).hasSingleBean(Lifecycle.class);
              assertThat(context).doesNotHaveBean(ClusterStore.class);
              assertThat(context).doesNotHaveBean(LocalInfrastructure.class);
              assertThat(tmp.resolve("home")).doesNotExist();
            });
  }

  @Test
  void aSqliteUrlPutsTheRecordsInThatFile() {
    Path db = tmp.resolve("elsewhere.db");
    runner()
        .withPropertyValues("lifecycle.store.url=jdbc:sqlite:" + db)
        .run(
            context -> {
              context
                  .getBean(Lifecycle.class)
                  .create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(db).isRegularFile();
              assertThat(tmp.resolve("home").resolve(ClusterStores.STORE_FILE)).doesNotExist();
            });
  }

  @Test
  void aStoreUrlThatIsNotJdbcFailsNamingThePropertyWithoutThePassword() {
    runner()
        .withPropertyValues("lifecycle.store.url=etcd://root:s3cret-pw@127.0.0.1:2379")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              assertThat(failure)
                  .rootCause()
                  .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                  .hasMessageContaining("lifecycle.store.url")
                  .hasMessageContaining("declare a ClusterStore bean");
              for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(t.toString()).doesNotContain("s3cret-pw");
              }
              assertThat(tmp.resolve("home")).doesNotExist();
            });
  }

  @Test
  void disabledConfiguresNothingAndCreatesNothing() {
    runner()
        .withPropertyValues("lifecycle.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(Lifecycle.class);
              assertThat(context).doesNotHaveBean(ClusterStore.class);
              assertThat(tmp.resolve("home")).doesNotExist();
            });
  }

  @Test
  void aMeterRegistryOfTheApplicationGetsTheEnginesMeters() {
    runner()
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              context
                  .getBean(Lifecycle.class)
                  .create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(context.getBean(MeterRegistry.class).find("lifecycle.leases.held").gauge())
                  .isNotNull();
            });
  }

  @Test
  void listenersAndCustomizersOfTheApplicationAreApplied() {
    List<LifecycleEvent> seen = new CopyOnWriteArrayList<>();
    AtomicInteger customized = new AtomicInteger();
    runner()
        .withBean(io.clusterlifecycle.api.event.EventListener.class, () -> seen::add)
        .withBean(LifecycleEngineCustomizer.class, () -> b -> customized.incrementAndGet())
        .run(
            context -> {
              context
                  .getBean(Lifecycle.class)
                  .create(CreateCluster.builder(TestSpecs.quick(), "c1").build());
              assertThat(customized).hasValue(1);
              assertThat(seen).isNotEmpty();
            });
  }

  @Test
  void theGeneratedMetadataDescribesEveryProperty() throws Exception {
    String json =
        Files.readString(
            Path.of(
                getClass().getResource("/META-INF/spring-configuration-metadata.json").toURI()));
    for (String name :
        List.of(
            "lifecycle.enabled",
            "lifecycle.home",
            "lifecycle.infrastructure",
            "lifecycle.store.url",
            "lifecycle.store.username",
            "lifecycle.store.password",
            "lifecycle.store.pool-size",
            "lifecycle.lease.duration",
            "lifecycle.lease.resume-on-start",
            "lifecycle.lease.take-over-every",
            "lifecycle.max-in-flight",
            "lifecycle.default-timeout",
            "lifecycle.command-grace",
            "lifecycle.check-health-every",
            "lifecycle.reconcile-every",
            "lifecycle.host")) {
      assertThat(json).as(name).contains("\"name\": \"" + name + "\"");
    }
  }
}
