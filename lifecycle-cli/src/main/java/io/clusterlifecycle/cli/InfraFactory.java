package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.spi.local.LocalHome;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import io.clusterlifecycle.spi.local.LocalMetadataStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks the options of one {@link Infra} and opens it. */
interface InfraFactory {
  /**
   * Checks the options this infrastructure takes and refuses those of others, reading files but
   * writing nothing and connecting nowhere.
   *
   * @param options the command line's infrastructure options
   * @param kube where Kubernetes is, checked already
   * @param env the environment variables ({@code System.getenv()} in the tool)
   * @return what opens the infrastructure
   * @throws io.clusterlifecycle.api.error.ValidationException naming the option to change
   */
  Checked check(InfraOptions options, KubeSettings kube, Map<String, String> env);

  /**
   * The tree the nodes of an infrastructure without a tree of its own read: the shared store's when
   * one was given, else the home's (opened here and added to {@code closing}).
   *
   * @param home the home directory
   * @param sharedTree the shared store's tree, if any
   * @param closing what the open infrastructure closes
   * @return the tree
   */
  static MetadataStore homeTreeUnlessShared(
      Path home, Optional<MetadataStore> sharedTree, List<AutoCloseable> closing) {
    return sharedTree.orElseGet(
        () -> {
          LocalMetadataStore local = new LocalMetadataStore(LocalHome.open(home));
          closing.add(local);
          return local;
        });
  }

  /** An infrastructure whose options were checked. */
  interface Checked {
    /**
     * Opens it.
     *
     * @param home the home directory (created when the infrastructure keeps anything there)
     * @param sharedTree the metadata tree of a shared store (etcd, Kubernetes), if one was given
     * @param kube the Kubernetes client of this session, opened on first use
     * @return the open infrastructure; the caller closes it
     */
    Opened open(Path home, Optional<MetadataStore> sharedTree, KubeClient kube);
  }

  /** An open infrastructure: its provider, its executor and the tree its nodes read. */
  interface Opened extends AutoCloseable {
    ResourceProvider resources();

    CommandExecutor commands();

    /**
     * The tree the nodes read their {@code LC_METADATA} from. When it is not the shared tree, the
     * engine publishes to the shared tree and mirrors each change into this one.
     */
    MetadataStore tree();

    /** The local infrastructure, for the demo; empty for others. */
    default Optional<LocalInfrastructure> local() {
      return Optional.empty();
    }

    @Override
    void close();
  }

  /**
   * The parts of an open infrastructure.
   *
   * @param resources its provider
   * @param commands its executor
   * @param tree the tree its nodes read
   * @param local the local infrastructure, for the demo; empty for others
   * @param closing what closes it all
   */
  record Parts(
      ResourceProvider resources,
      CommandExecutor commands,
      MetadataStore tree,
      Optional<LocalInfrastructure> local,
      Runnable closing)
      implements Opened {
    @Override
    public void close() {
      closing.run();
    }
  }
}
