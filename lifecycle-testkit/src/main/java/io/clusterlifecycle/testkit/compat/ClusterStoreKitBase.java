package io.clusterlifecycle.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.ClusterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What every part of the {@link ClusterStore} kit shares: the two factory methods a store's test
 * implements, and the bookkeeping that closes every store a test obtained. Extend {@link
 * ClusterStoreCompatibilityKit}, not this class.
 */
public abstract class ClusterStoreKitBase {
  static final String CAS =
      "ClusterStore.put must be a compare-and-set on "
          + "Cluster.version(): stored only when the stored version equals the record's (0: none), "
          + "stored with the version plus one, else VersionConflictException and nothing changes";
  static final String ROUND_TRIP =
      "a record read back from a ClusterStore must equal "
          + "the record written (times carry milliseconds)";

  private final List<ClusterStore> obtained = Collections.synchronizedList(new ArrayList<>());

  /** Creates the kit's state; only the kit's classes extend this one. */
  ClusterStoreKitBase() {}

  /**
   * Returns a new, empty store: no clusters, operations, journal entries or backups. Called once
   * per test, before anything else of the test; the kit closes it after the test.
   *
   * @return a store that nothing else writes to during the test
   * @throws Exception if it cannot be created; the test then fails
   */
  protected abstract ClusterStore newStore() throws Exception;

  /**
   * Returns another client on the same data as the store the last {@link #newStore()} call
   * returned, as a second engine replica (or a restarted process) would open it: it sees what the
   * first wrote, and the compare-and-set holds between the two. Called also after the first store
   * was closed (records outlive their client). The kit closes it after the test.
   *
   * @return a new client of the same data; not the same instance as the first store
   * @throws Exception if it cannot be opened; the test then fails
   */
  protected abstract ClusterStore reopen() throws Exception;

  // ----------------------------------------------------------------------------- helpers

  /** Obtains the test's store from {@link #newStore()}, to be closed after the test. */
  final ClusterStore open() throws Exception {
    return track("newStore()", newStore());
  }

  /** Obtains another client from {@link #reopen()}, to be closed after the test. */
  final ClusterStore openAgain() throws Exception {
    ClusterStore again = reopen();
    assertThat(obtained.stream().noneMatch(s -> s == again))
        .as("reopen() must return a new client, not a store the test already has")
        .isTrue();
    return track("reopen()", again);
  }

  private ClusterStore track(String factory, ClusterStore store) {
    assertThat(store).as("%s must return a store", factory).isNotNull();
    obtained.add(store);
    return store;
  }

  /** Closes every store the test obtained, newest first, even if the test closed some. */
  @AfterEach
  void closeObtainedStores() {
    List<ClusterStore> stores = new ArrayList<>(obtained);
    obtained.clear();
    Collections.reverse(stores);
    AssertionError failed = null;
    for (ClusterStore s : stores) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (failed == null) {
          failed =
              new AssertionError(
                  "ClusterStore.close must not throw, also when the store "
                      + "was closed already: "
                      + e,
                  e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
