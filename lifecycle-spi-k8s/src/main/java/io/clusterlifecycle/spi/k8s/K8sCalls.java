package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the client's blocking calls off the caller's thread and translates its failures
 * (docs/design.md §9.1): 429, 5xx, lost connections and requests that timed out become {@link
 * TransientSpiException}, any other refusal a permanent {@link K8sApiException} carrying the API
 * server's message.
 */
final class K8sCalls implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService io;

  K8sCalls(int threads) {
    this.io =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "lifecycle-k8s-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Runs {@code call} on an I/O thread; its failure completes the stage, translated.
   *
   * @param what the call, for messages
   */
  <T> CompletableFuture<T> async(String what, Supplier<T> call) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return call.get();
            } catch (RuntimeException e) {
              throw new CompletionException(translate(what, e));
            }
          },
          io);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new LifecycleException(what + ": the Kubernetes adapter is closed", e));
    }
  }

  /** The executor the blocking calls run on. */
  ExecutorService executor() {
    return io;
  }

  /**
   * Translates a client failure: transient for 429, 5xx and failures without an HTTP answer caused
   * by I/O or by a time-out (a request or a WebSocket upgrade the API server did not answer in
   * time); {@link K8sApiException} for other API refusals; anything else as it is.
   */
  static RuntimeException translate(String what, Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof LifecycleException l) {
      return l;
    }
    if (e instanceof KubernetesClientException k) {
      int code = k.getCode();
      String message = what + ": " + message(k);
      Optional<WebSocketHandshakeException> refused = handshake(k);
      if (code <= 0 && refused.isPresent() && refused.get().getResponse() != null) {
        code = refused.get().getResponse().code();
        message = what + ": the API server refused the WebSocket upgrade with HTTP " + code;
      }
      if (code == 429 || code >= 500 || (code <= 0 && unanswered(k))) {
        return new TransientSpiException(message, k);
      }
      return new K8sApiException(message, code, k);
    }
    if (e instanceof UncheckedIOException || e instanceof IOException) {
      return new TransientSpiException(what + ": " + e.getMessage(), e);
    }
    return e instanceof RuntimeException r ? r : new LifecycleException(what + ": " + e, e);
  }

  /** The HTTP status of a client failure, {@code 0} for none or another failure. */
  static int code(Throwable t) {
    return unwrap(t) instanceof KubernetesClientException k ? k.getCode() : 0;
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The refused WebSocket upgrade behind a failure (exec, watch), if that is what it is. */
  private static Optional<WebSocketHandshakeException> handshake(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof WebSocketHandshakeException w) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  private static String message(KubernetesClientException k) {
    if (k.getStatus() != null && k.getStatus().getMessage() != null) {
      return k.getCode() + " " + k.getStatus().getMessage();
    }
    return (k.getCode() == 0 ? "" : k.getCode() + " ") + k.getMessage();
  }

  /** Whether the request got no answer: an I/O failure or a time-out somewhere in the causes. */
  private static boolean unanswered(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException
          || c instanceof UncheckedIOException
          || c instanceof TimeoutException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  @Override
  public void close() {
    io.shutdown();
  }
}
