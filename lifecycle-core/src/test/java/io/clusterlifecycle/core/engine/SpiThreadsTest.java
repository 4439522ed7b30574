package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.core.LifecycleEngine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What follows a step's SPI call runs on the engine's executor, not on the thread that completed
 * the call (docs/design.md §9.6): completions that arrive together are processed in parallel, and
 * an SPI's own threads (an HTTP client's, a store's) never run the engine's work.
 */
class SpiThreadsTest {
  private static final String SPI_THREAD = "spi-completer";

  private final Harness h = new Harness();
  private final ExecutorService spi =
      Executors.newSingleThreadExecutor(r -> new Thread(r, SPI_THREAD));

  @AfterEach
  void close() {
    h.close();
    spi.shutdownNow();
  }

  /** The command executor, completing every run on a thread of its own. */
  private CommandExecutor completingOnItsOwnThread(CommandExecutor delegate) {
    return Forwarding.after(
        CommandExecutor.class,
        delegate,
        (method, args, result) -> {
          if (!method.getName().equals("run")) {
            return result;
          }
          CompletableFuture<Object> later = new CompletableFuture<>();
          ((CompletionStage<?>) result)
              .whenComplete(
                  (r, e) ->
                      spi.execute(
                          () -> {
                            if (e == null) {
                              later.complete(r);
                            } else {
                              later.completeExceptionally(e);
                            }
                          }));
          return later;
        });
  }

  @Test
  void whatFollowsACommand_runsOnTheEnginesThreads_notOnTheThreadThatCompletedIt() {
    List<String> threads = new CopyOnWriteArrayList<>();
    LifecycleEngine engine =
        h.engine(
            b ->
                b.commandExecutor(completingOnItsOwnThread(h.commands))
                    .eventListener(
                        e -> {
                          if (e.event() == EventType.COMMAND_FINISHED) {
                            threads.add(Thread.currentThread().getName());
                          }
                        }));
    try {
      Cluster c =
          engine.create(
              CreateCluster.builder(
                      AppSpec.builder("db", "1.0")
                          .role("db", r -> r.count(3).service("init", "i").service("start", "s"))
                          .build(),
                      "kv")
                  .build());

      assertThat(c.nodes()).hasSize(3);
      assertThat(threads).hasSize(6).doesNotContain(SPI_THREAD);
    } finally {
      engine.close();
    }
  }
}
