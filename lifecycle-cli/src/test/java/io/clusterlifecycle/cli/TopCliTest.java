package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifecycle top --once}: a create under way in another session, seen off the records. */
class TopCliTest {
  private static final String SLOW =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            init: {cmd: "true"}
            start: {cmd: "sleep 2", order: 1}
      """;

  @TempDir Path dir;

  private LifecycleCliTest.Result run(String... args) {
    return LifecycleCliTest.runAt(dir.resolve("home"), args);
  }

  @Test
  void onAnEmptyHome_showsNoClusters_andCreatesNothing() {
    LifecycleCliTest.Result r = run("top", "--once");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("lifecycle top - ").contains("(no clusters)");
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void aRunningCreate_showsItsStageProgressAndLatestSteps() throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SLOW);
    assertThat(run("create", spec.toString(), "--name", "idle").code()).isZero();
    CompletableFuture<LifecycleCliTest.Result> create =
        CompletableFuture.supplyAsync(() -> run("create", spec.toString(), "--name", "busy"));

    AtomicReference<String> frame = new AtomicReference<>("");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              frame.set(run("top", "--once").out());
              return frame.get().contains("start (order 1)")
                  && frame.get().contains("COMMAND_STARTED [start (order 1)]");
            });
    String shown = frame.get();
    assertThat(shown)
        .containsPattern(
            "busy +DEPLOYING +2  create op-[0-9a-f]+ +start \\(order 1\\) +\\d+/\\d+ steps")
        .containsPattern("idle +RUNNING +2  - ")
        .contains("latest steps of the running operations:")
        .containsPattern("busy +start on busy-db-[12] +STARTED")
        .contains("latest events:")
        .containsPattern("busy +COMMAND_STARTED \\[start \\(order 1\\)\\] busy-db-[12]");
    assertThat(create.get().code()).isZero();
    String after = run("top", "--once").out();
    assertThat(after).doesNotContain("latest steps");
    assertThat(after).containsPattern("busy +OPERATION_SUCCEEDED: done\n$");
  }

  @Test
  void aNonPositiveRefresh_isBadInput() {
    LifecycleCliTest.Result r = run("top", "--every", "0");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--every");
  }
}
