package io.clusterlifecycle.core.internal.ownership;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.LeaseRenewals;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Ids;
import io.clusterlifecycle.core.internal.exec.RecordKeeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine's ownership of the operations it runs. A lease is renewed every third of its duration
 * on a thread of its own, which does nothing but hand the renewal to the operation's {@link
 * RecordKeeper} (a compare-and-set whose reply it never waits for): no store read, claim or step of
 * an operation can hold a renewal up. Thread-safe.
 */
public final class Leases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  private final Clock clock;
  private final Duration duration;
  private final String host;
  private final long pid = ProcessHandle.current().pid();
  private final String owner;
  private final ScheduledExecutorService renewals;

  /** The leases renewed now, each with when it was last written; one leaves when it stops. */
  private final Map<Object, Renewed> renewing = new ConcurrentHashMap<>();

  private record Renewed(String cluster, AtomicReference<Instant> written) {}

  /**
   * @param clock where expiry times come from
   * @param duration how long a lease lasts without renewal
   * @param host the host name written into leases
   */
  public Leases(Clock clock, Duration duration, String host) {
    this.clock = clock;
    this.duration = duration;
    this.host = host;
    this.owner = host + "/" + pid + "/" + Ids.hex(6);
    ScheduledThreadPoolExecutor thread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "lifecycle-lease-renewal");
              t.setDaemon(true);
              return t;
            });
    // started now: the first claim's renewal must not wait for a thread start
    thread.prestartAllCoreThreads();
    this.renewals = thread;
  }

  /** This engine's id, as its leases name it. */
  public String owner() {
    return owner;
  }

  /** A lease of this engine, from now. */
  public Lease lease() {
    return new Lease(
        owner, host, pid, clock.instant().plus(duration).truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * Tells whether an operation is recorded on the cluster and the lease of the engine running it
   * lapsed.
   */
  public boolean isInterrupted(Cluster c) {
    return !c.operation().isEmpty() && isLapsedOrMissing(c);
  }

  /** Tells whether the cluster's lease is missing, lapsed, or this engine's own. */
  public boolean isOwnOrLapsed(Cluster c) {
    return c.lease()
        .map(l -> l.owner().equals(owner) || l.isLapsed(clock.instant(), host))
        .orElse(true);
  }

  /** Tells whether another engine holds a live lease on the cluster. */
  public boolean isHeldByOther(Cluster c) {
    return c.lease().isPresent()
        && !c.lease().get().owner().equals(owner)
        && !c.lease().get().isLapsed(clock.instant(), host);
  }

  private boolean isLapsedOrMissing(Cluster c) {
    return c.lease().map(l -> l.isLapsed(clock.instant(), host)).orElse(true);
  }

  /**
   * Renews this engine's lease in the record every third of the lease's duration until the returned
   * renewal is stopped.
   *
   * @param records the writer of the running operation's record
   * @return the renewal, to stop right before the operation's end is written
   */
  public Renewal keepRenewed(RecordKeeper records) {
    AtomicBoolean stopped = new AtomicBoolean();
    long every = Math.max(1, duration.toMillis() / 3);
    Object key = new Object();
    AtomicReference<Instant> lastWritten = new AtomicReference<>(clock.instant());
    renewing.put(key, new Renewed(records.current().id(), lastWritten));
    ScheduledFuture<?> ticks =
        renewals.scheduleAtFixedRate(
            () -> {
              try {
                // a renewal still queued when the end is written must neither put the lease back
                // nor
                // change the record's version under the end's write
                records
                    .update(b -> b.lease(Optional.of(lease())), () -> !stopped.get())
                    .whenComplete(
                        (c, e) -> {
                          if (e == null) {
                            lastWritten.set(clock.instant());
                          } else if (!stopped.get()) {
                            LOG.warn(
                                "could not renew the lease on cluster {}: {}",
                                records.current().id(),
                                Failures.describe(e));
                          }
                        });
              } catch (RuntimeException e) {
                LOG.warn(
                    "could not renew the lease on cluster {}: {}",
                    records.current().id(),
                    Failures.describe(e));
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
    return () -> {
      stopped.set(true);
      ticks.cancel(false);
      renewing.remove(key);
    };
  }

  /**
   * Reads how the renewals fare: a lease falls behind when it was last written more than two
   * renewal periods ago.
   *
   * @return the leases renewed now and those behind
   */
  public LeaseRenewals renewals() {
    Instant now = clock.instant();
    Instant late = now.minus(duration.multipliedBy(2).dividedBy(3));
    List<Renewed> all = List.copyOf(renewing.values());
    List<String> behind =
        all.stream()
            .filter(r -> r.written().get().isBefore(late))
            .map(Renewed::cluster)
            .sorted()
            .toList();
    return new LeaseRenewals(now, all.size(), behind);
  }

  /** The renewal of one operation's lease. */
  @FunctionalInterface
  public interface Renewal {
    /** Stops renewing; a renewal already queued changes nothing. Idempotent. */
    void stop();
  }

  /** Stops renewing every lease. */
  @Override
  public void close() {
    renewals.shutdownNow();
  }
}
