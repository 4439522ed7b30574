package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Version order: numeric by dot-separated part, text otherwise. */
class VersionsTest {

  @Test
  void ordersPartsNumerically() {
    List<String> versions = new ArrayList<>(List.of("6.10.0", "6.9.1", "6.1", "10.0", "6.1.0"));

    versions.sort(Versions.OLDEST_FIRST.reversed());

    assertThat(versions).containsExactly("10.0", "6.10.0", "6.9.1", "6.1.0", "6.1");
  }

  @Test
  void fallsBackToTextForPartsThatAreNotNumbers() {
    assertThat(Versions.compare("1.0.beta", "1.0.alpha")).isPositive();
    assertThat(Versions.compare("1.x", "1.2")).isPositive();
  }

  @Property
  void numericVersionsCompareAsTheirNumbers(
      @ForAll @IntRange(max = 999) int a1,
      @ForAll @IntRange(max = 999) int a2,
      @ForAll @IntRange(max = 999) int b1,
      @ForAll @IntRange(max = 999) int b2) {
    int expected = a1 != b1 ? Integer.compare(a1, b1) : Integer.compare(a2, b2);

    assertThat(Integer.signum(Versions.compare(a1 + "." + a2, b1 + "." + b2)))
        .isEqualTo(Integer.signum(expected));
  }
}
