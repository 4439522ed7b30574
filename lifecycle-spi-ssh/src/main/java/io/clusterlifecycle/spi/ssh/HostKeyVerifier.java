package io.clusterlifecycle.spi.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks host keys as {@link HostKeyCheck} says, and remembers why it refused one, so that the
 * failed login can be reported as the {@link SshAccessException} it is. Thread-safe.
 */
final class HostKeyVerifier implements ServerKeyVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(HostKeyVerifier.class);
  private static final Object APPEND_LOCK = new Object();

  private final HostKeyCheck check;
  private final Path knownHosts;
  private final Set<String> pins;

  /**
   * Why a session's host key was refused, kept here rather than on the session: a refused session
   * closes and may drop its attributes before the login failure is reported.
   */
  private final Map<ClientSession, Refusal> refusals =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** A refused key: the reason and the message for the exception. */
  record Refusal(SshAccessException.Reason reason, String message) {}

  /**
   * Creates a verifier.
   *
   * @param check the policy
   * @param knownHosts the known-hosts file ({@link HostKeyCheck#STRICT} and {@link
   *     HostKeyCheck#ACCEPT_NEW})
   * @param pins {@code SHA256:} fingerprints of the pinned keys ({@link HostKeyCheck#PINNED})
   */
  HostKeyVerifier(HostKeyCheck check, Path knownHosts, Set<String> pins) {
    this.check = check;
    this.knownHosts = knownHosts;
    this.pins = Set.copyOf(pins);
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    SocketAddress address =
        session.getConnectAddress() != null ? session.getConnectAddress() : remote;
    String host;
    int port;
    if (address instanceof SshdSocketAddress s) {
      host = s.getHostName();
      port = s.getPort();
    } else if (address instanceof InetSocketAddress i) {
      host = i.getHostString();
      port = i.getPort();
    } else {
      host = String.valueOf(address);
      port = SshTarget.DEFAULT_PORT;
    }
    Refusal refusal =
        check == HostKeyCheck.PINNED ? pinned(host, port, key) : known(host, port, key);
    if (refusal != null) {
      refusals.put(session, refusal);
      return false;
    }
    return true;
  }

  /**
   * Takes why a session's host key was refused.
   *
   * @return the refusal, or null when the key was not refused
   */
  Refusal take(ClientSession session) {
    return refusals.remove(session);
  }

  private Refusal pinned(String host, int port, PublicKey key) {
    String fingerprint = KeyUtils.getFingerPrint(key);
    if (pins.contains(fingerprint)) {
      return null;
    }
    return new Refusal(
        SshAccessException.Reason.HOST_KEY_NOT_PINNED,
        "host "
            + host
            + ":"
            + port
            + " presented key "
            + fingerprint
            + ", which is not one of the pinned host keys "
            + pins
            + ": pin this key if the host is the right one");
  }

  private Refusal known(String host, int port, PublicKey key) {
    String fingerprint = KeyUtils.getFingerPrint(key);
    List<KnownHostEntry> entries;
    try {
      entries = read();
    } catch (IOException | RuntimeException e) {
      return new Refusal(
          SshAccessException.Reason.UNUSABLE_KEY,
          "cannot read the known-hosts file " + knownHosts + ": " + e.getMessage());
    }
    List<String> listed = new ArrayList<>();
    for (KnownHostEntry e : entries) {
      if (e.getKeyEntry() == null
          || !e.isHostMatch(host, port)
          || "cert-authority".equals(e.getMarker())) {
        continue;
      }
      PublicKey k;
      try {
        k = e.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
      } catch (IOException | GeneralSecurityException | RuntimeException ex) {
        continue;
      }
      if (k == null) {
        continue;
      }
      boolean same = KeyUtils.compareKeys(k, key);
      if (same && "revoked".equals(e.getMarker())) {
        return new Refusal(
            SshAccessException.Reason.HOST_KEY_CHANGED,
            "host "
                + host
                + ":"
                + port
                + " presented key "
                + fingerprint
                + ", which "
                + knownHosts
                + " marks @revoked");
      }
      if (same) {
        return null;
      }
      listed.add(KeyUtils.getFingerPrint(k));
    }
    if (!listed.isEmpty()) {
      return new Refusal(
          SshAccessException.Reason.HOST_KEY_CHANGED,
          "host "
              + host
              + ":"
              + port
              + " presented key "
              + fingerprint
              + " but "
              + knownHosts
              + " lists it with "
              + listed
              + ": the host's key changed, or this is another host. Check with the host's"
              + " administrator, then replace its line in the known-hosts file");
    }
    if (check == HostKeyCheck.ACCEPT_NEW) {
      return append(host, port, key, fingerprint);
    }
    return new Refusal(
        SshAccessException.Reason.HOST_KEY_UNKNOWN,
        "host "
            + host
            + ":"
            + port
            + " (key "
            + fingerprint
            + ") is not listed in the known-hosts file "
            + knownHosts
            + ": add it (ssh-keyscan -p "
            + port
            + " "
            + host
            + ", checked against the host's own key), or accept new hosts (accept-new)");
  }

  private List<KnownHostEntry> read() throws IOException {
    try {
      return KnownHostEntry.readKnownHostEntries(knownHosts);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  private Refusal append(String host, int port, PublicKey key, String fingerprint) {
    String name = port == SshTarget.DEFAULT_PORT ? host : "[" + host + "]:" + port;
    String line = name + " " + PublicKeyEntry.toString(key) + "\n";
    synchronized (APPEND_LOCK) {
      try {
        if (knownHosts.getParent() != null) {
          Files.createDirectories(knownHosts.getParent());
        }
        Files.writeString(
            knownHosts,
            line,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        return new Refusal(
            SshAccessException.Reason.UNUSABLE_KEY,
            "cannot add new host " + name + " to the known-hosts file " + knownHosts + ": " + e);
      }
    }
    LOG.info("trusted new host {} with key {} (added to {})", name, fingerprint, knownHosts);
    return null;
  }
}
