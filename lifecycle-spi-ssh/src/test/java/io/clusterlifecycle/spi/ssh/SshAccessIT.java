package io.clusterlifecycle.spi.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testsupport.SshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host keys and login keys against a real sshd: a host whose key does not match is refused with a
 * typed error and nothing runs on it; accept-new trusts a new host once and records it; pinned keys
 * accept exactly the pinned key; a login key the host does not accept and an unreadable key file
 * are typed errors; a host that does not answer is a transient failure.
 */
class SshAccessIT {
  private static SshServer sshd;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshServer.start();
  }

  @AfterAll
  static void stop() {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void hostKeyMismatch_isRefused_andNothingRuns() throws Exception {
    Path known = dir.resolve("changed_known_hosts");
    Files.writeString(known, "[127.0.0.1]:" + sshd.port() + " " + sshd.otherPublicKey() + "\n");

    Throwable e = failure(builder().knownHosts(known), "touch ran-despite-mismatch");

    assertThat(e).isInstanceOf(SshAccessException.class);
    SshAccessException refused = (SshAccessException) e;
    assertThat(refused.reason()).isEqualTo(SshAccessException.Reason.HOST_KEY_CHANGED);
    assertThat(refused.host()).isEqualTo(sshd.user() + "@127.0.0.1:" + sshd.port());
    assertThat(refused.getMessage()).contains("presented key SHA256:").contains(known.toString());
    assertThat(nodeDirectory().resolve("ran-despite-mismatch")).doesNotExist();
  }

  @Test
  void unknownHost_isRefused_whenStrict() throws Exception {
    Throwable e = failure(builder().knownHosts(dir.resolve("no_such_known_hosts")), "true");

    assertThat(e).isInstanceOf(SshAccessException.class);
    assertThat(((SshAccessException) e).reason())
        .isEqualTo(SshAccessException.Reason.HOST_KEY_UNKNOWN);
    assertThat(e.getMessage()).contains("ssh-keyscan");
  }

  @Test
  void acceptNew_trustsANewHostOnce_andRecordsItsKey() throws Exception {
    Path known = dir.resolve("accept_new_known_hosts");

    CommandResult first =
        result(builder().knownHosts(known).hostKeyCheck(HostKeyCheck.ACCEPT_NEW), "echo one");
    CommandResult strictAfterwards = result(builder().knownHosts(known), "echo two");

    assertThat(first.stdoutTail()).isEqualTo("one\n");
    assertThat(strictAfterwards.stdoutTail()).isEqualTo("two\n");
    assertThat(Files.readString(known))
        .startsWith("[127.0.0.1]:" + sshd.port() + " ecdsa-sha2-nistp256 ");
  }

  @Test
  void acceptNew_stillRefusesAChangedKey() throws Exception {
    Path known = dir.resolve("accept_new_changed_known_hosts");
    Files.writeString(known, "[127.0.0.1]:" + sshd.port() + " " + sshd.otherPublicKey() + "\n");

    Throwable e =
        failure(builder().knownHosts(known).hostKeyCheck(HostKeyCheck.ACCEPT_NEW), "true");

    assertThat(((SshAccessException) e).reason())
        .isEqualTo(SshAccessException.Reason.HOST_KEY_CHANGED);
    assertThat(Files.readAllLines(known)).hasSize(1);
  }

  @Test
  void pinnedKey_acceptsThePinnedKey_andRefusesAnother() throws Exception {
    CommandResult pinned =
        result(
            builder().hostKeyCheck(HostKeyCheck.PINNED).pinHostKey(sshd.hostPublicKey()),
            "echo pinned");
    Throwable other =
        failure(
            builder().hostKeyCheck(HostKeyCheck.PINNED).pinHostKey(sshd.otherPublicKey()), "true");

    assertThat(pinned.stdoutTail()).isEqualTo("pinned\n");
    assertThat(((SshAccessException) other).reason())
        .isEqualTo(SshAccessException.Reason.HOST_KEY_NOT_PINNED);
  }

  @Test
  void loginKeyTheHostRefuses_isAnAuthenticationFailure() throws Exception {
    Throwable e = failure(builder().identity(sshd.otherKey()), "true");

    assertThat(((SshAccessException) e).reason())
        .isEqualTo(SshAccessException.Reason.AUTHENTICATION_FAILED);
    assertThat(e.getMessage()).contains("authorized_keys");
  }

  @Test
  void unreadableKeyFile_isAnUnusableKey() throws Exception {
    Throwable e = failure(builder().identity(dir.resolve("no_such_key")), "true");

    assertThat(((SshAccessException) e).reason()).isEqualTo(SshAccessException.Reason.UNUSABLE_KEY);
  }

  @Test
  void hostThatDoesNotAnswer_isTransient_andNothingRan() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }

    Throwable e = failure(builder().port(closedPort), "true");

    assertThat(e).isInstanceOf(TransientSpiException.class);
    assertThat(e.getMessage()).contains("cannot connect to");
  }

  @Test
  void environmentNameThatIsNotAnIdentifier_isRefusedBeforeConnecting() throws Exception {
    try (SshCommandExecutor executor = builder().build()) {
      CommandRequest request =
          request("true").toBuilder().environment(Map.of("BAD NAME", "x")).build();

      Throwable e = catchThrowable(() -> executor.run(request).get(30, TimeUnit.SECONDS));

      assertThat(e).isInstanceOf(ExecutionException.class);
      assertThat(e.getCause())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a shell identifier");
    }
  }

  @Test
  void builder_refusesPinnedCheckWithoutKeys_andKeysWithoutPinnedCheck() {
    assertThat(catchThrowable(() -> builder().hostKeyCheck(HostKeyCheck.PINNED).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pinHostKey");
    assertThat(catchThrowable(() -> builder().pinHostKey("SHA256:abc").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PINNED");
    assertThat(catchThrowable(() -> builder().pinHostKey("not a key")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SshCommandExecutor.Builder builder() {
    return SshCommandExecutor.builder()
        .identity(sshd.clientKey())
        .knownHosts(sshd.knownHosts())
        .user(sshd.user())
        .port(sshd.port())
        .nodeDirectory(dir.resolve("nodes").toString());
  }

  private static Path nodeDirectory() {
    return dir.resolve("nodes").resolve("access-node");
  }

  private static CommandRequest request(String script) {
    return CommandRequest.builder()
        .node(
            NodeResource.builder()
                .ref(new NodeRef("access", "access-node"))
                .role("r")
                .instanceId("127.0.0.1")
                .address("127.0.0.1")
                .running(true)
                .build())
        .service("access")
        .script(script)
        .environment(Map.of())
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private static CommandResult result(SshCommandExecutor.Builder b, String script)
      throws Exception {
    try (SshCommandExecutor executor = b.build()) {
      CommandResult r = executor.run(request(script)).get(60, TimeUnit.SECONDS);
      assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderrTail()).isZero();
      return r;
    }
  }

  private static Throwable failure(SshCommandExecutor.Builder b, String script) {
    try (SshCommandExecutor executor = b.build()) {
      Throwable e = catchThrowable(() -> executor.run(request(script)).get(60, TimeUnit.SECONDS));
      assertThat(e).as("run must fail").isInstanceOf(ExecutionException.class);
      return e.getCause();
    }
  }
}
