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
    faults.add(new Fault(new Requests(method, path, times), code, message));
  }

  /**
   * Holds the next {@code times} requests of {@code method} whose path contains {@code path} for
   * {@code delay} before the server answers them. The mock server answers on its event loop, so
   * every other request waits too, as behind an API server that stopped answering for a while.
   */
  void stall(String method, String path, Duration delay, int times) {
    stalls.add(new Stall(new Requests(method, path, times), delay));
  }

  /** How many requests were held so far. */
  int stalled() {
    return stalls.stream().mapToInt(s -> s.requests().taken.get()).sum();
  }

  /** How many of the answers given so far were faults. */
  int answered() {
    return faults.stream().mapToInt(f -> f.requests().taken.get()).sum();
  }

  void clear() {
    faults.clear();
    stalls.clear();
  }

  Optional<MockResponse> answer(RecordedRequest request) {
    for (Stall s : stalls) {
      if (s.requests().take(request)) {
        try {
          Thread.sleep(s.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (Fault f : faults) {
      if (f.requests().take(request)) {
        String reason = f.code() == 429 ? "TooManyRequests" : f.code() == 403 ? "Forbidden" : "";
        return Optional.of(
            new MockResponse()
                .setResponseCode(f.code())
                .setHeader("Content-Type", "application/json")
                .setBody(
                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                        + "\"message\":\""
                        + f.message()
                        + "\",\"reason\":\""
                        + reason
                        + "\",\"code\":"
                        + f.code()
                        + "}"));
      }
    }
    return Optional.empty();
  }

  /** The next {@code times} requests of a method whose path contains {@code path}. */
  private static final class Requests {
    final String method;
    final String path;
    final AtomicInteger remaining;
    final AtomicInteger taken = new AtomicInteger();

    Requests(String method, String path, int times) {
      this.method = method;
      this.path = path;
      this.remaining = new AtomicInteger(times);
    }

    /** Whether {@code request} is one of them, counting it as taken if it is. */
    boolean take(RecordedRequest request) {
      if (method.equalsIgnoreCase(request.getMethod())
          && request.getPath().contains(path)
          && remaining.getAndDecrement() > 0) {
        taken.incrementAndGet();
        return true;
      }
      return false;
    }
  }

  /** Requests held before they are answered. */
  private record Stall(Requests requests, Duration delay) {}

  /** Requests answered with an error. */
  private record Fault(Requests requests, int code, String message) {}
}
