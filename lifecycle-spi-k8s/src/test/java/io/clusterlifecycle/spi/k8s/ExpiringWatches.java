package io.clusterlifecycle.spi.k8s;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the API server ends, which the CRUD mock never does: the next watch requests of
 * ConfigMaps, as many as {@link #holdNext} says, get a watch of their own that delivers no event
 * (commits made meanwhile are missed) until {@link #expireAll} sends it an {@code ERROR} event
 * carrying a 410 Gone Status, as a real API server does when the watched version is too old, and
 * closes it.
 */
final class ExpiringWatches {
  private final AtomicInteger armed = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final List<WebSocket> held = new CopyOnWriteArrayList<>();

  /** Makes the next {@code n} ConfigMap watch requests get a watch this class holds. */
  void holdNext(int n) {
    armed.set(n);
  }

  /** How many watch requests this class answered. */
  int answered() {
    return answered.get();
  }

  /** How many held watches are open. */
  int held() {
    return held.size();
  }

  /** Ends every held watch with 410 Gone. */
  void expireAll() {
    List<WebSocket> expiring = List.copyOf(held);
    held.removeAll(expiring);
    for (WebSocket ws : expiring) {
      ws.send(
          "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
              + "\"message\":\"too old resource version\"}}");
      ws.close(1000, "");
    }
  }

  Optional<MockResponse> answer(RecordedRequest request) {
    String path = request.getPath();
    if (!path.contains("/configmaps") || !path.contains("watch=true")) {
      return Optional.empty();
    }
    if (armed.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
      return Optional.empty();
    }
    answered.incrementAndGet();
    return Optional.of(
        new MockResponse()
            .withWebSocketUpgrade(
                new WebSocketListener() {
                  @Override
                  public void onOpen(WebSocket ws, Response response) {
                    held.add(ws);
                  }
                }));
  }
}
