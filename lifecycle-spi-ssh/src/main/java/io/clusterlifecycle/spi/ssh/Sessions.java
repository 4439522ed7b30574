package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.api.spi.TransientSpiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH client and one pooled, authenticated session per target (user, host, port, key): every
 * command and kill to a host shares its connection as channels. A session that closed (the host
 * went away) is replaced on next use. Thread-safe.
 */
final class Sessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  private final SshClient client;
  private final HostKeyVerifier verifier;
  private final Optional<Path> defaultIdentity;
  private final Duration connectTimeout;
  private final Executor io;
  private final Map<Key, CompletableFuture<ClientSession>> pool = new ConcurrentHashMap<>();
  private final Map<Path, List<KeyPair>> keys = new ConcurrentHashMap<>();

  private record Key(String user, String host, int port, Path identity) {}

  Sessions(
      HostKeyVerifier verifier,
      Optional<Path> defaultIdentity,
      Duration connectTimeout,
      Executor io) {
    this.verifier = verifier;
    this.defaultIdentity = defaultIdentity;
    this.connectTimeout = connectTimeout;
    this.io = io;
    this.client = SshClient.setUpDefaultClient();
    // only what the builder says: no ~/.ssh/config, no default keys, no passwords
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier(verifier);
    client.start();
  }

  /**
   * The open session to a target, connecting and logging in when there is none.
   *
   * @return completes with the session; fails with {@link SshAccessException} (refused: no command
   *     can run) or {@link TransientSpiException} (the host could not be reached)
   */
  CompletableFuture<ClientSession> session(SshTarget target) {
    Path identity = target.identity().or(() -> defaultIdentity).orElse(null);
    Key key = new Key(target.user(), target.host(), target.port(), identity);
    synchronized (pool) {
      CompletableFuture<ClientSession> existing = pool.get(key);
      if (existing != null
          && (!existing.isDone()
              || (!existing.isCompletedExceptionally() && existing.join().isOpen()))) {
        return existing;
      }
      CompletableFuture<ClientSession> created =
          CompletableFuture.supplyAsync(() -> connect(target, identity), io);
      pool.put(key, created);
      created.whenComplete(
          (s, e) -> {
            if (e != null) {
              pool.remove(key, created);
            }
          });
      return created;
    }
  }

  private ClientSession connect(SshTarget target, Path identity) {
    String who = target.display();
    List<KeyPair> pairs = keys(who, identity);
    ClientSession session;
    try {
      session =
          client
              .connect(target.user(), target.host(), target.port())
              .verify(connectTimeout)
              .getSession();
    } catch (IOException | RuntimeException e) {
      throw new TransientSpiException("cannot connect to " + who + ": " + describe(e), e);
    }
    pairs.forEach(session::addPublicKeyIdentity);
    try {
      session.auth().verify(connectTimeout);
    } catch (IOException | RuntimeException e) {
      HostKeyVerifier.Refusal refusal = verifier.take(session);
      session.close(true);
      if (refusal != null) {
        throw new SshAccessException(refusal.reason(), who, refusal.message(), null);
      }
      if (e instanceof SshException s
          && s.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
        throw new SshAccessException(
            SshAccessException.Reason.AUTHENTICATION_FAILED,
            who,
            who
                + " did not accept the key "
                + identity
                + ": add its public key to ~"
                + target.user()
                + "/.ssh/authorized_keys on the host",
            null);
      }
      throw new TransientSpiException("cannot log in to " + who + ": " + describe(e), e);
    }
    LOG.debug("connected to {}", who);
    return session;
  }

  private List<KeyPair> keys(String who, Path identity) {
    if (identity == null) {
      throw new SshAccessException(
          SshAccessException.Reason.UNUSABLE_KEY,
          who,
          "no private key to log in to "
              + who
              + " with: give the executor one (identity), or the host one in the inventory",
          null);
    }
    return keys.computeIfAbsent(identity, p -> load(who, p));
  }

  private static List<KeyPair> load(String who, Path file) {
    List<KeyPair> pairs = new ArrayList<>();
    try {
      if (!Files.isReadable(file)) {
        throw new IOException("the file does not exist or cannot be read");
      }
      for (KeyPair p : new FileKeyPairProvider(file).loadKeys(null)) {
        pairs.add(p);
      }
    } catch (IOException | RuntimeException e) {
      throw new SshAccessException(
          SshAccessException.Reason.UNUSABLE_KEY,
          who,
          "cannot read the private key "
              + file
              + " ("
              + describe(e)
              + "): it must be an unencrypted OpenSSH or PEM private key",
          e);
    }
    if (pairs.isEmpty()) {
      throw new SshAccessException(
          SshAccessException.Reason.UNUSABLE_KEY, who, "no key found in " + file, null);
    }
    return List.copyOf(pairs);
  }

  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Closes every session and stops the client; idempotent. */
  @Override
  public void close() {
    synchronized (pool) {
      for (CompletableFuture<ClientSession> f : pool.values()) {
        f.thenAccept(s -> s.close(true));
      }
      pool.clear();
    }
    client.stop();
  }
}
