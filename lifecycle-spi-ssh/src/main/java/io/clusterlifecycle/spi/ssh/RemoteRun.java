package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.channel.ChannelExec;

/** One command run over SSH: its request, target, remote token and how it ended. */
final class RemoteRun {
  final CommandRequest request;
  final SshTarget target;
  final String token;
  final String keyHash;
  final CompletableFuture<CommandResult> result;
  final TailBuffer out = new TailBuffer(2);
  final TailBuffer err = new TailBuffer(0);
  final AtomicBoolean timedOut = new AtomicBoolean();
  final AtomicBoolean killed = new AtomicBoolean();
  final CompletableFuture<Void> killDone = new CompletableFuture<>();
  volatile ChannelExec channel;
  volatile ScheduledFuture<?> timer;
  volatile long started;

  RemoteRun(
      CommandRequest request,
      SshTarget target,
      String token,
      String keyHash,
      CompletableFuture<CommandResult> result) {
    this.request = request;
    this.target = target;
    this.token = token;
    this.keyHash = keyHash;
    this.result = result;
  }

  /** The node id, for messages. */
  String nodeId() {
    return request.node().ref().nodeId();
  }

  /** Completes the result from the closed channel's exit status and output. */
  void finish(Integer status) {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
    if (result.isDone()) {
      return;
    }
    String header = out.header();
    String what = request.service() + " on node " + nodeId() + " (" + target.display() + ")";
    boolean timeout = timedOut.get();
    if (header != null && header.startsWith("E ") && !timeout) {
      result.completeExceptionally(
          new LifecycleException("cannot run " + what + ": " + header.substring(2)));
      return;
    }
    if (!timeout && (header == null || status == null)) {
      result.completeExceptionally(
          new LifecycleException(
              "the connection to "
                  + target.display()
                  + " was lost while "
                  + what
                  + " ran; it may still be running there"
                  + (request.runKey().isEmpty()
                      ? ""
                      : " (fence run key " + request.runKey() + " before running it again)")));
      return;
    }
    result.complete(
        CommandResult.builder()
            .exitCode(timeout || status == null ? CommandResult.TIMEOUT_EXIT_CODE : status)
            .timedOut(timeout)
            .stdoutTail(out.tail())
            .stderrTail(err.tail())
            .result(report(1))
            .status(report(2))
            .duration(Duration.ofNanos(System.nanoTime() - started))
            .build());
  }

  /**
   * One of the reports of the second header line, {@code R <result> <status>}, each base64 of the
   * file's first bytes (docs/design.md §9.3.1).
   */
  private String report(int field) {
    String line = out.header(1);
    if (line == null || !line.startsWith("R ")) {
      return "";
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3) {
      return "";
    }
    byte[] bytes;
    try {
      bytes = java.util.Base64.getMimeDecoder().decode(parts[field]);
    } catch (IllegalArgumentException e) {
      return "";
    }
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    return text.length() <= CommandResult.MAX_REPORT + 1
        ? text
        : text.substring(0, CommandResult.MAX_REPORT + 1);
  }
}
