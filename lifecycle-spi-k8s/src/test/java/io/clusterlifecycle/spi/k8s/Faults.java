package io.clusterlifecycle.spi.k8s;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers chosen API requests with an error instead of the CRUD mock: a rate limit, a server error,
 * a refusal; or holds them before they are answered, as an API server too busy to answer in time.
 * Each fault answers a number of matching requests, then lets them through.
 */
final class Faults {
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<Stall> stalls = new CopyOnWriteArrayList<>();

  /**
   * Answers the next {@code times} requests of {@code method} whose path contains {@code path} with
   * {@code code} and a Status carrying {@code message}.
   */
  void fail(String method, String path, int code, String message, int times) {
    faults.add(new Fault(method, path, code, message, new AtomicInteger(times)));
  }

  /**
   * Holds the next {@code times} requests of {@code method} whose path contains {@code path} for
   * {@code delay} before the server answers them. The mock server answers on its event loop, so
   * every other request waits too, as behind an API server that stopped answering for a while.
   */
  void stall(String method, String path, Duration delay, int times) {
    stalls.add(new Stall(method, path, delay, new AtomicInteger(times)));
  }

  /** How many requests were held so far. */
  int stalled() {
    return stalls.stream().mapToInt(s -> s.held.get()).sum();
  }

  /** How many of the answers given so far were faults. */
  int answered() {
    return faults.stream().mapToInt(f -> f.answered.get()).sum();
  }

  void clear() {
    faults.clear();
    stalls.clear();
  }

  Optional<MockResponse> answer(RecordedRequest request) {
    for (Stall s : stalls) {
      if (s.method.equalsIgnoreCase(request.getMethod())
          && request.getPath().contains(s.path)
          && s.remaining.getAndDecrement() > 0) {
        s.held.incrementAndGet();
        try {
          Thread.sleep(s.delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (Fault f : faults) {
      if (f.method.equalsIgnoreCase(request.getMethod())
          && request.getPath().contains(f.path)
          && f.remaining.getAndDecrement() > 0) {
        f.answered.incrementAndGet();
        String reason = f.code == 429 ? "TooManyRequests" : f.code == 403 ? "Forbidden" : "";
        return Optional.of(
            new MockResponse()
                .setResponseCode(f.code)
                .setHeader("Content-Type", "application/json")
                .setBody(
                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                        + "\"message\":\""
                        + f.message
                        + "\",\"reason\":\""
                        + reason
                        + "\",\"code\":"
                        + f.code
                        + "}"));
      }
    }
    return Optional.empty();
  }

  /** One kind of request held a number of times. */
  private record Stall(
      String method, String path, Duration delay, AtomicInteger remaining, AtomicInteger held) {
    Stall(String method, String path, Duration delay, AtomicInteger remaining) {
      this(method, path, delay, remaining, new AtomicInteger());
    }
  }

  /** One kind of request answered with an error a number of times. */
  private static final class Fault {
    final String method;
    final String path;
    final int code;
    final String message;
    final AtomicInteger remaining;
    final AtomicInteger answered = new AtomicInteger();

    Fault(String method, String path, int code, String message, AtomicInteger remaining) {
      this.method = method;
      this.path = path;
      this.code = code;
      this.message = message;
      this.remaining = remaining;
    }
  }
}
