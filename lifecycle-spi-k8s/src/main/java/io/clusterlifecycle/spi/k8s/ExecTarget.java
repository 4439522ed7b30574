package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every {@link ExecRun} of one {@link K8sCommandExecutor} shares: where the pods are, the
 * executor's settings, its threads and the set of runs still going.
 */
record ExecTarget(
    KubernetesClient client,
    String namespace,
    String container,
    String runDirectory,
    Optional<String> workingDirectory,
    Duration killGrace,
    Optional<MetadataStore> metadata,
    String metadataRoot,
    K8sCalls calls,
    ScheduledExecutorService scheduler,
    Set<ExecRun> runs) {}
