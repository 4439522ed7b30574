package io.clusterlifecycle.spi.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/** Opens exec channels for the fixed remote commands and reports when they close. */
final class Channels {
  private Channels() {}

  /**
   * Opens an exec channel running {@code command} with {@code input} as its whole standard input.
   * Blocks until the host accepted the channel; call it on an I/O thread.
   *
   * @return the open channel
   * @throws IOException if the channel could not be opened: nothing ran
   */
  static ChannelExec open(
      ClientSession session,
      String command,
      byte[] input,
      OutputStream out,
      OutputStream err,
      Duration timeout)
      throws IOException {
    ChannelExec channel = session.createExecChannel(command);
    channel.setIn(new ByteArrayInputStream(input));
    channel.setOut(out);
    channel.setErr(err);
    try {
      channel.open().verify(timeout);
    } catch (IOException | RuntimeException e) {
      channel.close(true);
      throw e;
    }
    return channel;
  }

  /**
   * Completes once the channel has closed, with the exit status the host sent.
   *
   * @return the exit status, or null when the channel closed without one (the connection broke)
   */
  static CompletableFuture<Integer> closed(ChannelExec channel) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    channel.addCloseFutureListener(f -> done.complete(channel.getExitStatus()));
    return done;
  }
}
