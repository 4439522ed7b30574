package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.codec.RecordCodec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What both etcd stores share: key encoding, ranges, call timeouts, error translation, and the
 * retries of lost compare-and-sets.
 */
final class EtcdCalls {
  private static final Set<Status.Code> TRANSIENT =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.CANCELLED,
          Status.Code.UNKNOWN,
          Status.Code.RESOURCE_EXHAUSTED);

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** How many times a compare-and-set is made before it gives up to other engines. */
  static final int MAX_CAS_ATTEMPTS = 50;

  private final String where;
  private final Duration timeout;
  private final AccessErrors access;

  /** Completes callers' stages, so that their continuations never hold the client's I/O threads. */
  private final ExecutorService callbacks =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "lifecycle-etcd-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private volatile boolean closed;

  /**
   * Creates the calls of one store.
   *
   * @param where the store, for messages
   * @param timeout the bound of each call
   * @param access explains refusals (TLS, authentication, permission)
   */
  EtcdCalls(String where, Duration timeout, AccessErrors access) {
    this.where = where;
    this.timeout = timeout;
    this.access = access;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** The first key after every key starting with {@code prefix}: the etcd range end of a prefix. */
  static String prefixEnd(String prefix) {
    byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return new String(b, 0, i + 1, StandardCharsets.UTF_8);
      }
    }
    return "\0";
  }

  /** Tells whether {@code key} is {@code path} itself or lies under it. */
  static boolean under(String key, String path) {
    return path.equals("/") ? key.startsWith("/") : key.equals(path) || key.startsWith(path + "/");
  }

  String where() {
    return where;
  }

  void close() {
    closed = true;
    callbacks.shutdown();
  }

  /** Where stages handed to callers complete, and watch listeners run. */
  Executor callbacks() {
    return callbacks;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Makes one call, bounded by the store's timeout; a lost connection, an unavailable server or a
   * timeout fails it with {@link TransientSpiException}, a refusal (TLS, authentication,
   * permission) with {@link EtcdAccessException}, anything else with a {@link LifecycleException}
   * that names the call.
   */
  <T> CompletableFuture<T> call(String what, Supplier<CompletableFuture<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError(what));
    }
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(translate(what, e));
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, e) -> {
              try {
                callbacks.execute(() -> complete(out, what, v, e));
              } catch (RejectedExecutionException closedMeanwhile) {
                complete(out, what, v, e);
              }
            });
    return out;
  }

  private <T> void complete(CompletableFuture<T> out, String what, T value, Throwable e) {
    if (e == null) {
      out.complete(value);
    } else {
      out.completeExceptionally(translate(what, e));
    }
  }

  LifecycleException closedError(String what) {
    return new LifecycleException(
        "cannot " + what + ": the etcd store " + where + " is closed; open it again");
  }

  RuntimeException translate(String what, Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof LifecycleException le) {
      return le;
    }
    if (t instanceof TimeoutException) {
      return new TransientSpiException(
          "could not "
              + what
              + " in etcd "
              + where
              + ": no answer"
              + " in "
              + timeout.toMillis()
              + " ms",
          t);
    }
    // before the transient codes: a refused handshake is reported as UNAVAILABLE
    Optional<EtcdAccessException> refused = access.explain(what, t);
    if (refused.isPresent()) {
      return refused.get();
    }
    Status.Code code = code(t);
    // RESOURCE_EXHAUSTED is etcd's "too many requests", unless a message outgrew gRPC's limit
    boolean tooLarge =
        code == Status.Code.RESOURCE_EXHAUSTED
            && String.valueOf(t.getMessage()).contains("exceeds maximum size");
    if (code != null && TRANSIENT.contains(code) && !tooLarge) {
      return new TransientSpiException(
          "could not "
              + what
              + " in etcd "
              + where
              + ": "
              + code
              + " ("
              + t.getMessage()
              + ")"
              + access.hint(t),
          t);
    }
    return new LifecycleException(
        "could not " + what + " in etcd " + where + ": " + t.getMessage(), t);
  }

  /**
   * Reads a record stored as JSON ({@link RecordCodec}); one that cannot be read fails with a
   * {@link LifecycleException} naming its key and what to do.
   */
  <T> T decode(KeyValue kv, Class<T> type) {
    String key = string(kv.getKey());
    try {
      return RecordCodec.read(kv.getValue().toString(StandardCharsets.UTF_8), type);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(
          "the record "
              + key
              + " in etcd "
              + where
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by a newer release or "
              + "changed by hand: restore it from a backup, or delete the key",
          e);
    }
  }

  /** The failure of a compare-and-set that lost to other engines too many times in a row. */
  TransientSpiException contended(String what, String how, int attempts) {
    return new TransientSpiException(
        "could not "
            + what
            + " in etcd "
            + where
            + ": other engines "
            + how
            + " concurrently "
            + attempts
            + " times",
        null);
  }

  /**
   * Makes a lost compare-and-set again: at once the first few times, then after a short random
   * pause so that racing engines spread out.
   */
  static <T> CompletableFuture<T> again(int attempt, Supplier<CompletableFuture<T>> retry) {
    if (attempt < 4) {
      return retry.get();
    }
    long pauseMs = ThreadLocalRandom.current().nextLong(1, 2L + Math.min(50, 2L * attempt));
    return CompletableFuture.supplyAsync(
            () -> null, CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS))
        .thenCompose(x -> retry.get());
  }

  static Status.Code code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s.getStatus().getCode();
      }
      if (c instanceof StatusException s) {
        return s.getStatus().getCode();
      }
      if (c instanceof EtcdException ee) {
        return Status.Code.valueOf(ee.getErrorCode().name());
      }
    }
    return null;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
