package io.clusterlifecycle.spring.boot;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.spi.SpecPlugin;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Builds a {@link Lifecycle} engine from the {@code lifecycle.*} properties ({@link
 * LifecycleProperties}) and the application's beans. An application that declares its own {@link
 * Lifecycle} bean gets nothing from here (no store is opened, no home created). Otherwise each part
 * backs off when the application declares a bean of its type: the records' store ({@link
 * ClusterStore}), and the infrastructure's three SPIs ({@link ResourceProvider}, {@link
 * CommandExecutor}, {@link MetadataStore}), which otherwise come from the local infrastructure in
 * the home. {@link SpecPlugin} and {@link EventListener} beans are added to the engine, a {@link
 * MeterRegistry} and an {@link ObservationRegistry} bean are wired into it, and {@link
 * LifecycleEngineCustomizer} beans make last changes. {@code lifecycle.enabled=false} turns it all
 * off.
 *
 * <p>On shutdown the engine closes first: it stops taking requests and renewing leases. An
 * operation still running keeps its journal and its lease, which lapses; the next engine on the
 * same store resumes it ({@code lifecycle.lease.resume-on-start}, {@code
 * lifecycle.lease.take-over-every}).
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnBooleanProperty(name = "lifecycle.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(Lifecycle.class)
@EnableConfigurationProperties(LifecycleProperties.class)
public class LifecycleAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public LifecycleAutoConfiguration() {}

  /**
   * The records' store {@code lifecycle.store.url} names, SQLite in the home by default.
   *
   * @param properties the properties
   * @return the store, closed after the engine
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ClusterStore lifecycleClusterStore(LifecycleProperties properties) {
    return ClusterStores.open(properties);
  }

  /**
   * The engine.
   *
   * @param properties the properties
   * @param resources where nodes are created
   * @param commands what runs the lifecycle scripts
   * @param tree the metadata tree nodes read
   * @param store the records' store
   * @param plugins the plugins clusters may enable
   * @param listeners listeners of every event
   * @param meters the application's meter registry, if any
   * @param observations the application's observation registry, if any
   * @param customizers last changes to the builder
   * @return the engine, closed first on shutdown
   */
  @Bean(destroyMethod = "close")
  public LifecycleEngine lifecycle(
      LifecycleProperties properties,
      ResourceProvider resources,
      CommandExecutor commands,
      MetadataStore tree,
      ClusterStore store,
      ObjectProvider<SpecPlugin> plugins,
      ObjectProvider<EventListener> listeners,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<ObservationRegistry> observations,
      ObjectProvider<LifecycleEngineCustomizer> customizers) {
    LifecycleEngineBuilder b =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(tree)
            .clusterStore(store)
            .maxInFlight(properties.maxInFlight())
            .defaultTimeout(properties.defaultTimeout())
            .commandGrace(properties.commandGrace())
            .leaseDuration(properties.lease().duration())
            .resumeInterruptedOnStart(properties.lease().resumeOnStart());
    if (properties.lease().takeOverEvery() != null) {
      b.takeOverInterrupted(properties.lease().takeOverEvery());
    }
    if (properties.checkHealthEvery() != null) {
      b.checkHealthEvery(properties.checkHealthEvery());
    }
    if (properties.reconcileEvery() != null) {
      b.reconcileEvery(properties.reconcileEvery());
    }
    if (properties.host() != null && !properties.host().isBlank()) {
      b.host(properties.host());
    }
    plugins.orderedStream().forEach(b::plugin);
    listeners.orderedStream().forEach(b::eventListener);
    meters.ifUnique(b::meterRegistry);
    observations.ifUnique(b::observationRegistry);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * The local infrastructure's SPIs, for {@code lifecycle.infrastructure=local} (the default): each
   * backs off on its own when the application declares a bean of its type.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      name = "lifecycle.infrastructure",
      havingValue = "local",
      matchIfMissing = true)
  static class Local {
    /**
     * The local infrastructure in the home, created only when one of its SPIs is used.
     *
     * @param properties the properties
     * @return the infrastructure; closing it closes its SPIs
     */
    @Bean(destroyMethod = "close")
    @Lazy
    @ConditionalOnMissingBean
    LocalInfrastructure lifecycleLocalInfrastructure(LifecycleProperties properties) {
      return LocalInfrastructure.open(properties.home());
    }

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    ResourceProvider lifecycleResourceProvider(LocalInfrastructure local) {
      return local.resources();
    }

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    CommandExecutor lifecycleCommandExecutor(LocalInfrastructure local) {
      return local.commands();
    }

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    MetadataStore lifecycleMetadataStore(LocalInfrastructure local) {
      return local.metadata();
    }
  }
}
