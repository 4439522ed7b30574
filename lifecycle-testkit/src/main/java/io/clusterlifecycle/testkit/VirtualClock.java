package io.clusterlifecycle.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} whose time moves only when a test moves it, for engines and SPIs that take an
 * injected clock: leases, deadlines and timestamps then follow the test's script instead of the
 * wall clock.
 *
 * <pre>{@code
 * VirtualClock clock = VirtualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * LifecycleEngine engine = LifecycleEngine.builder().clock(clock)...build();
 * clock.advance(Duration.ofSeconds(31));   // every lease the engine took has now expired
 * }</pre>
 *
 * <p>The zone is {@link ZoneOffset#UTC}. {@link #withZone(ZoneId)} returns a view in another zone
 * that shares this clock's time, so advancing either moves both. Time never moves by itself: {@link
 * #instant()} returns the same value until {@link #advance} or {@link #set} is called.
 *
 * <p>Only the time read through this clock is virtual. Code that waits with a real scheduler still
 * waits in real time; use this clock for what code <em>reads</em> as the time now.
 *
 * <p>Thread-safe: reads and changes are atomic, and a change is visible to every thread as soon as
 * the method that made it returns.
 */
public final class VirtualClock extends Clock {
  /** The time a clock made with {@link #VirtualClock()} starts at. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** Creates a clock standing at {@link #DEFAULT_START}. */
  public VirtualClock() {
    this(new AtomicReference<>(DEFAULT_START), ZoneOffset.UTC);
  }

  private VirtualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Creates a clock standing at a given time.
   *
   * @param start the time the clock reads until it is moved
   * @return the clock, in UTC
   * @throws NullPointerException if {@code start} is null
   */
  public static VirtualClock at(Instant start) {
    return new VirtualClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * Moves the time forward.
   *
   * @param amount how far; {@link Duration#ZERO} leaves the time as it is
   * @return the time after the move
   * @throws IllegalArgumentException if {@code amount} is negative (use {@link #set} to move back)
   * @throws NullPointerException if {@code amount} is null
   * @throws java.time.DateTimeException if the result is beyond {@link Instant#MAX}
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "a virtual clock advances by a non-negative amount, was "
              + amount
              + "; use set(Instant) to move it back");
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  /**
   * Sets the time, forward or back; moving back is allowed so that tests can simulate a clock that
   * was corrected.
   *
   * @param instant the new time
   * @return the time before the change
   * @throws NullPointerException if {@code instant} is null
   */
  public Instant set(Instant instant) {
    return now.getAndSet(Objects.requireNonNull(instant, "instant"));
  }

  /**
   * Returns the time now.
   *
   * @return the time last set or reached by advancing
   */
  @Override
  public Instant instant() {
    return now.get();
  }

  /**
   * Returns the time now in milliseconds since the epoch.
   *
   * @return {@code instant().toEpochMilli()}
   */
  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  /**
   * Returns the zone of this view.
   *
   * @return {@link ZoneOffset#UTC} for a clock made by a constructor or {@link #at}
   */
  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * Returns a view of this clock in another zone; it shares this clock's time.
   *
   * @param newZone the zone
   * @return this clock when the zone is the same, otherwise a view on the same time
   * @throws NullPointerException if {@code newZone} is null
   */
  @Override
  public VirtualClock withZone(ZoneId newZone) {
    Objects.requireNonNull(newZone, "newZone");
    return newZone.equals(zone) ? this : new VirtualClock(now, newZone);
  }

  /**
   * Tells whether another object is a view of the same time source in the same zone.
   *
   * @param other the object to compare
   * @return true for this clock, or a view made from it in the same zone
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof VirtualClock v && v.now == now && v.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(now) * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return "VirtualClock[" + now.get() + ", " + zone + "]";
  }
}
