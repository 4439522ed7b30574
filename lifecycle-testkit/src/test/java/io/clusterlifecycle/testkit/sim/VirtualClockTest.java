package io.clusterlifecycle.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void timeStandsStill_untilAdvancedOrSet() {
    VirtualClock clock = VirtualClock.at(T0);
    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.advance(Duration.ofSeconds(6))).isEqualTo(T0.plusSeconds(6));
    assertThat(clock.millis()).isEqualTo(T0.plusSeconds(6).toEpochMilli());
    assertThat(clock.set(T0.minusSeconds(1))).isEqualTo(T0.plusSeconds(6));
    assertThat(clock.instant()).isEqualTo(T0.minusSeconds(1));
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(new VirtualClock().instant()).isEqualTo(VirtualClock.DEFAULT_START);
  }

  @Test
  void advance_refusesNegativeAmounts() {
    VirtualClock clock = VirtualClock.at(T0);
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set(Instant)");
    assertThat(clock.instant()).isEqualTo(T0);
  }

  @Test
  void withZone_sharesTheTime() {
    VirtualClock clock = VirtualClock.at(T0);
    VirtualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    paris.advance(Duration.ofMinutes(1));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris).isNotEqualTo(clock).isEqualTo(clock.withZone(ZoneId.of("Europe/Paris")));
  }

  @Test
  void concurrentAdvances_areNotLost() throws Exception {
    VirtualClock clock = VirtualClock.at(T0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                  }
                },
                pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(4));
  }
}
