package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testkit.TraceAssert;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TraceAssertTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
  private final RecordingEventListener events = new RecordingEventListener();
  private LifecycleEngine engine;

  @BeforeEach
  void createACluster() {
    ScriptedCommandExecutor commands =
        ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    commands.on("start").latency(Duration.ofMillis(100));
    engine =
        LifecycleEngine.builder()
            .resourceProvider(InMemoryResourceProvider.builder().scheduler(scheduler).build())
            .commandExecutor(commands)
            .metadataStore(new InMemoryMetadataStore())
            .clusterStore(new InMemoryClusterStore())
            .eventListener(events)
            .scheduler(scheduler)
            .build();
    AppSpec spec =
        AppSpec.builder("zk", "1")
            .role(
                "zk",
                r -> r.count(3).service("init", "i").service("start", s -> s.cmd("s").order(1)))
            .role("client", r -> r.count(1).service("start", s -> s.cmd("s").order(2)))
            .build();
    engine.create(CreateCluster.builder(spec, "z").build());
  }

  @AfterEach
  void close() {
    engine.close();
    scheduler.shutdownNow();
  }

  @Test
  void aCreate_passesWhatItDid() {
    TraceAssert.assertThat(events)
        .ranOnNodes("init", "z-zk-1", "z-zk-2", "z-zk-3")
        .ranOnNodes("start", "z-zk-1", "z-zk-2", "z-zk-3", "z-client-1")
        .ranBefore("init", "start")
        .ranInParallel("start")
        .hasStatePath("PENDING", "DEPLOYING", "RUNNING");
  }

  @Test
  void ranBefore_onRoles_comparesOneServiceAcrossOrderGroups() {
    TraceAssert.assertThat(events).ranBefore("start", "zk", "start", "client");
    assertThatThrownBy(
            () -> TraceAssert.assertThat(events).ranBefore("start", "client", "start", "zk"))
        .hasMessageContaining(
            "expected every start on client to finish before any start on zk"
                + " started, but start@z-client-1");
    assertThatThrownBy(
            () -> TraceAssert.assertThat(events).ranBefore("init", "client", "start", "zk"))
        .hasMessageContaining("expected both init on client and start on zk to run");
  }

  @Test
  void eachCheck_failsWithWhatTheTraceShows() {
    assertThatThrownBy(() -> TraceAssert.assertThat(events).ranOnNodes("init", "z-zk-1"))
        .hasMessageContaining(
            "expected init to run on [z-zk-1] but it ran on [z-zk-1, z-zk-2," + " z-zk-3]");
    assertThatThrownBy(() -> TraceAssert.assertThat(events).ranBefore("start", "init"))
        .hasMessageContaining("expected every start to finish before any init started");
    assertThatThrownBy(() -> TraceAssert.assertThat(events).ranInParallel("init"))
        .hasMessageContaining("expected commands of init to overlap");
    assertThatThrownBy(() -> TraceAssert.assertThat(events).ranBefore("init", "stop"))
        .hasMessageContaining("expected both init and stop to run");
    engine.delete(DeleteCluster.of("z"));
    assertThatThrownBy(
            () -> TraceAssert.assertThat(events).hasStatePath("PENDING", "DEPLOYING", "RUNNING"))
        .hasMessageContaining(
            "the trace went PENDING -> DEPLOYING -> RUNNING -> UNDEPLOYING -> DONE");
  }
}
