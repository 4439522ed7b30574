package io.clusterlifecycle.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The trace line of an event: present fields in snake_case, absent ones left out. */
class JsonLinesTraceTest {

  @Test
  void line_writesPresentFieldsPlainly_andLeavesAbsentOnesOut() {
    LifecycleEvent event =
        LifecycleEvent.builder(EventType.COMMAND_FINISHED)
            .cluster("c-1")
            .operation("op-1", OperationType.CREATE)
            .node("zk", "demo-zk-1")
            .service("start", 2)
            .exitCode(0)
            .build(7, Instant.parse("2026-11-22T02:39:11Z"));

    assertThat(JsonLinesTrace.line(event))
        .isEqualTo(
            "{\"seq\":7,\"ts\":\"2026-11-22T02:39:11.000Z\","
                + "\"event\":\"COMMAND_FINISHED\",\"cluster\":\"c-1\",\"operation\":\"op-1\","
                + "\"op_type\":\"CREATE\",\"role\":\"zk\",\"node\":\"demo-zk-1\",\"service\":\"start\","
                + "\"order\":2,\"exit_code\":0}");
  }
}
