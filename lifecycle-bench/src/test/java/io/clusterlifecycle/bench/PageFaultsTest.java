package io.clusterlifecycle.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PageFaultsTest {

  @Test
  void theMinorFaultsAreTheTenthField_countedFromTheNamesLastParenthesis() {
    // a name may hold spaces and parentheses: the fields after it are what count
    String stat =
        "4242 (java (a) b) S 1 4242 4242 0 -1 4194560 123456 789 0 0 55 66 0 0 20 0 30 0 1 2 3";

    assertThat(PageFaults.parseMinor(stat)).isEqualTo(123456);
  }

  @Test
  void aLineWithoutANameOrWithTooFewFields_isRefused() {
    assertThatThrownBy(() -> PageFaults.parseMinor("4242 java S 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a /proc stat line");
    assertThatThrownBy(() -> PageFaults.parseMinor("4242 (java) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a /proc stat line");
  }

  @Test
  void touchingFreshMemory_raisesThisProcesssCount() {
    long before = PageFaults.minor();
    assertThat(before).as("/proc/self/stat on Linux").isPositive();

    // 64 MB the process never had: zeroing it touches each of its 16,384 pages of 4 KB (or 32
    // huge pages where the kernel gives them unasked); the fields beside minflt barely move
    ByteBuffer fresh = ByteBuffer.allocateDirect(64 << 20);
    long after = PageFaults.minor();

    assertThat(fresh.capacity()).isEqualTo(64 << 20);
    assertThat(after - before).isGreaterThanOrEqualTo(32);
  }
}
