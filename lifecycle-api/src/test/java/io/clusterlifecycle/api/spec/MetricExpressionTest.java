package io.clusterlifecycle.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.NoSuchElementException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The conditions of elasticity policies and how policy types compute node counts. */
class MetricExpressionTest {

  @Test
  void comparisonsJoinedByAndOrNot_withAndBindingTighterThanOr() {
    MetricExpression e = MetricExpression.parse("CPU > 80 && QUEUE >= 10 || !(MEM<50.5)");

    assertThat(e.metrics()).containsExactly("CPU", "QUEUE", "MEM");
    assertThat(e.test(Map.of("CPU", 90.0, "QUEUE", 10.0, "MEM", 10.0))).isTrue();
    assertThat(e.test(Map.of("CPU", 90.0, "QUEUE", 9.0, "MEM", 10.0))).isFalse();
    assertThat(e.test(Map.of("CPU", 10.0, "QUEUE", 0.0, "MEM", 50.5))).isTrue();
    assertThat(
            MetricExpression.parse("A == 1 | B != -2 & C <= 0")
                .test(Map.of("A", 0.0, "B", -2.0, "C", 0.0)))
        .isFalse();
  }

  @Test
  void badSyntax_isRefusedNamingThePositionAndWhatWasExpected() {
    assertThatThrownBy(() -> MetricExpression.parse("CPU >> 80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a metric name or a number at character 6 of 'CPU >> 80', found '>'");
    assertThatThrownBy(() -> MetricExpression.parse("(CPU > 80"))
        .hasMessage("expected ')' at character 10 of '(CPU > 80', found the end");
    assertThatThrownBy(() -> MetricExpression.parse("CPU 80"))
        .hasMessageStartingWith("expected a comparison");
    assertThatThrownBy(() -> MetricExpression.parse("CPU > 80 QUEUE"))
        .hasMessageStartingWith("expected an operator (&&, ||) or the end at character 10");
    assertThatThrownBy(() -> MetricExpression.parse(""))
        .hasMessageStartingWith("expected a metric");
  }

  @Test
  void aMissingMetric_isNamed() {
    assertThatThrownBy(() -> MetricExpression.parse("CPU > 1").test(Map.of()))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no value for metric CPU");
  }

  @Test
  void policyTypes_computeTheTargetAndClampIt() {
    RoleSpec role = RoleSpec.builder("web").minNodes(2).maxNodes(10).build();
    assertThat(ScalingType.CHANGE.target(role, 4, 3, 1)).isEqualTo(7);
    assertThat(ScalingType.CHANGE.target(role, 4, -5, 1)).isEqualTo(2);
    assertThat(ScalingType.CARDINALITY.target(role, 4, 6, 1)).isEqualTo(6);
    assertThat(ScalingType.PERCENTAGE_CHANGE.target(role, 8, 50, 1)).isEqualTo(10);
    assertThat(ScalingType.PERCENTAGE_CHANGE.target(role, 4, 10, 2)).isEqualTo(6);
    assertThat(ScalingType.PERCENTAGE_CHANGE.target(role, 4, -10, 1)).isEqualTo(3);
  }

  @Property
  void targetsStayWithinMinAndMax(
      @ForAll @IntRange(min = 0, max = 50) int current,
      @ForAll @IntRange(min = -200, max = 200) int adjust,
      @ForAll @IntRange(min = 1, max = 5) int step) {
    RoleSpec role = RoleSpec.builder("web").minNodes(1).maxNodes(20).build();
    for (ScalingType t : ScalingType.values()) {
      assertThat(t.target(role, current, adjust, step)).isBetween(1, 20);
    }
  }
}
