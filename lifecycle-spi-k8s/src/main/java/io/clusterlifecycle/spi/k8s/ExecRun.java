package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command of {@link K8sCommandExecutor}: its exec, its timer and its kill (docs/design.md
 * §9.3). It removes itself from {@link ExecTarget#runs()} when its result is settled.
 */
final class ExecRun {
  private static final Logger LOG = LoggerFactory.getLogger(ExecRun.class);

  private final ExecTarget t;
  final CommandRequest request;
  final String pod;
  final String id;
  final long startedNanos = System.nanoTime();
  final TailBuffer out = new TailBuffer(true);
  final TailBuffer err = new TailBuffer();
  final AtomicBoolean killed = new AtomicBoolean();
  final CompletableFuture<CommandResult> result = new CompletableFuture<>();
  volatile ExecWatch watch;
  volatile ScheduledFuture<?> timer;

  ExecRun(ExecTarget t, CommandRequest request) {
    this.t = t;
    this.request = request;
    this.id = ExecScript.runId(request.runKey());
    this.pod = Names.pod(request.node().ref().nodeId());
  }

  void start() {
    var unused =
        result.whenComplete(
            (r, e) -> {
              t.runs().remove(this);
              ScheduledFuture<?> t = timer;
              if (t != null) {
                t.cancel(false);
              }
              if (result.isCancelled()) {
                kill("cancelled");
              }
            });
    long millis = Math.max(0, request.timeout().toMillis());
    timer = t.scheduler().schedule(this::timedOutAsync, millis, TimeUnit.MILLISECONDS);
    var unusedOpen =
        metadataJson()
            .thenCompose(json -> t.calls().async("exec in pod " + pod, () -> open(json)))
            .whenComplete(
                (w, e) -> {
                  if (e != null) {
                    result.completeExceptionally(K8sCalls.translate("exec in pod " + pod, e));
                    return;
                  }
                  watch = w;
                  if (result.isDone()) {
                    w.close();
                    return;
                  }
                  var unusedExit =
                      w.exitCode()
                          .whenCompleteAsync(
                              (code, failure) -> ended(code, failure), t.calls().executor());
                });
  }

  private CompletableFuture<Optional<String>> metadataJson() {
    if (t.metadata().isEmpty() || request.environment().containsKey(CommandRequest.LC_METADATA)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String prefix = t.metadataRoot() + "/" + request.node().ref().clusterId();
    return t.metadata()
        .get()
        .get(prefix)
        .toCompletableFuture()
        .thenApply(
            keys ->
                Optional.of(
                    Json.write(io.clusterlifecycle.codec.MetadataJson.nested(keys, prefix))));
  }

  private ExecWatch open(Optional<String> json) {
    Map<String, String> env = new LinkedHashMap<>(request.environment());
    env.put("LC_RUN_DIR", t.runDirectory());
    env.put("LC_RUN_ID", id);
    t.workingDirectory().ifPresent(d -> env.put("LC_WORKDIR", d));
    byte[] tree = json.map(j -> j.getBytes(StandardCharsets.UTF_8)).orElse(null);
    if (tree != null) {
      env.put(CommandRequest.LC_METADATA, t.runDirectory() + "/metadata.json");
      env.put("LC_METADATA_BYTES", Integer.toString(tree.length));
    }
    List<String> argv = ExecScript.command(request.script(), env);
    var target =
        t.client().pods().inNamespace(t.namespace()).withName(pod).inContainer(t.container());
    ExecWatch w;
    if (tree != null) {
      w =
          target
              .redirectingInput()
              .writingOutput(out)
              .writingError(err)
              .exec(argv.toArray(String[]::new));
      try {
        OutputStream in = w.getInput();
        in.write(tree);
        in.flush();
      } catch (IOException e) {
        w.close();
        throw new java.io.UncheckedIOException("cannot send the metadata to pod " + pod, e);
      }
    } else {
      w = target.writingOutput(out).writingError(err).exec(argv.toArray(String[]::new));
    }
    LOG.debug("exec {} in pod {}/{} (run {})", request.service(), t.namespace(), pod, id);
    return w;
  }

  private void ended(Integer code, Throwable failure) {
    if (failure != null || code == null) {
      result.completeExceptionally(
          failure != null
              ? K8sCalls.translate("exec in pod " + pod, failure)
              : new LifecycleException(
                  "exec in pod " + pod + " ended without an exit status (connection lost?)"));
    } else {
      result.complete(result(code, false));
    }
    closeWatch();
  }

  /** Completes the timed-out run on an I/O thread, so that callers never hold the timer. */
  private void timedOutAsync() {
    try {
      t.calls().executor().execute(this::timedOut);
    } catch (RejectedExecutionException e) {
      timedOut();
    }
  }

  private void timedOut() {
    if (result.complete(result(CommandResult.TIMEOUT_EXIT_CODE, true))) {
      LOG.info(
          "command {} on pod {} timed out after {}; killing it",
          request.service(),
          pod,
          request.timeout());
      kill("timed out");
    }
  }

  private CommandResult result(int code, boolean timedOut) {
    return CommandResult.builder()
        .exitCode(code)
        .timedOut(timedOut)
        .stdoutTail(out.tail())
        .stderrTail(err.tail())
        .result(report(1))
        .status(report(2))
        .duration(Duration.ofNanos(System.nanoTime() - startedNanos))
        .build();
  }

  /**
   * One of the reports of the wrapper's first line, {@code R <result> <status>}, each base64 of the
   * file's first bytes (docs/design.md §9.3.1).
   */
  private String report(int field) {
    String line = out.firstLine();
    String[] parts = line == null ? new String[0] : line.split(" ", -1);
    if (parts.length != 3 || !parts[0].equals("R")) {
      return "";
    }
    try {
      String text =
          new String(
              java.util.Base64.getMimeDecoder().decode(parts[field]),
              java.nio.charset.StandardCharsets.UTF_8);
      return text.length() <= CommandResult.MAX_REPORT + 1
          ? text
          : text.substring(0, CommandResult.MAX_REPORT + 1);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Kills the run's process group by a second exec; best effort. */
  void kill(String why) {
    if (!killed.compareAndSet(false, true)) {
      return;
    }
    LOG.info(
        "killing command {} on pod {}/{} (run {}): {}",
        request.service(),
        t.namespace(),
        pod,
        id,
        why);
    List<String> argv = ExecScript.kill(t.runDirectory(), id, t.killGrace());
    TailBuffer killErr = new TailBuffer();
    var unusedKill =
        t.calls()
            .async(
                "kill a command in pod " + pod,
                () ->
                    t.client()
                        .pods()
                        .inNamespace(t.namespace())
                        .withName(pod)
                        .inContainer(t.container())
                        .writingOutput(OutputStream.nullOutputStream())
                        .writingError(killErr)
                        .exec(argv.toArray(String[]::new)))
            .thenCompose(ExecWatch::exitCode)
            .whenComplete(
                (code, e) -> {
                  if (e != null || code == null || code != 0) {
                    LOG.warn(
                        "could not kill command {} on pod {}/{}: {}",
                        request.service(),
                        t.namespace(),
                        pod,
                        e != null ? e.toString() : "exit " + code + " " + killErr.tail());
                  }
                  closeWatch();
                });
  }

  private void closeWatch() {
    ExecWatch w = watch;
    if (w != null) {
      w.close();
    }
  }
}
