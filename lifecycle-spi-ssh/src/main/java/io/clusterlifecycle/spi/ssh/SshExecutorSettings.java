package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.MetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** What {@link SshCommandExecutor.Builder} collected, checked. */
final class SshExecutorSettings {
  final Optional<Path> identity;
  final Path knownHosts;
  final HostKeyCheck hostKeyCheck;
  final Set<String> pins;
  final SshTargets targets;
  final MetadataStore metadataStore;
  final String metadataRoot;
  final Duration connectTimeout;
  final Duration killGrace;
  final Duration killWait;

  SshExecutorSettings(SshCommandExecutor.Builder b, SshTargets targets) {
    this.identity = b.identity;
    this.knownHosts = b.knownHosts;
    this.hostKeyCheck = b.hostKeyCheck;
    this.pins = Set.copyOf(b.pins);
    this.targets = targets;
    this.metadataStore = b.metadataStore;
    this.metadataRoot = b.metadataRoot;
    this.connectTimeout = b.connectTimeout;
    this.killGrace = b.killGrace;
    this.killWait = b.killWait;
  }
}
