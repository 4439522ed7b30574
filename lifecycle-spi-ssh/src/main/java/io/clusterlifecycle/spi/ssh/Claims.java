package io.clusterlifecycle.spi.ssh;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clusterlifecycle.api.error.LifecycleException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The static inventory's claims, kept in a small JSON file: which host each node holds. Every
 * change reads the file, changes it and replaces it atomically (temporary file, fsync, rename)
 * under an exclusive lock on a {@code .lock} file beside it, so that several engines sharing the
 * file see each other's claims. Callers serialise their own calls (one thread).
 */
final class Claims {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** One node on one host. */
  record Claim(
      String host,
      String clusterId,
      String nodeId,
      String role,
      int cpu,
      int memory,
      int volumeSize,
      String image,
      boolean running,
      Map<String, String> tags) {}

  /** The file's content: claims by host name. */
  record State(int version, Map<String, Claim> claims) {
    State {
      claims = claims == null ? new TreeMap<>() : new TreeMap<>(claims);
    }
  }

  private static final Map<Path, Object> JVM_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

  private final Path file;
  private final Path lock;

  Claims(Path file) {
    this.file = file;
    this.lock = file.resolveSibling(file.getFileName() + ".lock");
  }

  Path file() {
    return file;
  }

  /** Reads the claims. */
  State read() {
    return locked(s -> null, false);
  }

  /**
   * Changes the claims: {@code change} gets the current state, may change its map and returns its
   * answer; the state is written back when {@code write}.
   */
  <T> T update(Function<State, T> change) {
    Object[] out = new Object[1];
    locked(
        s -> {
          out[0] = change.apply(s);
          return null;
        },
        true);
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private State locked(Function<State, Void> change, boolean write) {
    // the file lock keeps other processes out; this keeps out other threads of this JVM
    synchronized (JVM_LOCKS.computeIfAbsent(file.toAbsolutePath(), k -> new Object())) {
      return lockedFile(change, write);
    }
  }

  private State lockedFile(Function<State, Void> change, boolean write) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      try (FileChannel ch =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock l = ch.lock()) {
        State state = load();
        change.apply(state);
        if (write) {
          save(state);
        }
        return state;
      }
    } catch (IOException e) {
      throw new LifecycleException(
          "cannot read or write the inventory's claims file " + file + ": " + e.getMessage(), e);
    }
  }

  private State load() throws IOException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length == 0 ? new State(1, null) : JSON.readValue(bytes, State.class);
    } catch (NoSuchFileException e) {
      return new State(1, null);
    }
  }

  private void save(State state) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] bytes = JSON.writeValueAsBytes(state);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
