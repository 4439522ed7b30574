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
 * Watches the API server ends, which the CRUD mock never does: the next watch requests of a kind of
 * object, as many as {@link #holdNext} says, get a watch of their own that delivers no event
 * (changes made meanwhile are missed) until {@link #expireAll} sends it an {@code ERROR} event
 * carrying a 410 Gone Status, as a real API server does when the watched version is too old, and
 * closes it, or {@link #breakAll} sends one the client cannot read.
 */
final class ExpiringWatches {
  private final AtomicInteger armed = new AtomicInteger();
  private volatile String resource = "configmaps";
  private final AtomicInteger answered = new AtomicInteger();
  private final List<WebSocket> held = new CopyOnWriteArrayList<>();

  /** Makes the next {@code n} ConfigMap watch requests get a watch this class holds. */
  void holdNext(int n) {
    holdNext("configmaps", n);
  }

  /**
   * Makes the next {@code n} watch requests of {@code resource} (a plural such as {@code pods}) get
   * a watch this class holds, instead of those of the kind named before.
   */
  void holdNext(String resource, int n) {
    this.resource = resource;
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
    endAll(
        Optional.of(
            "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
                + "\"message\":\"too old resource version\"}}"));
  }

  /** Closes every held watch without an event, as an API server does when a watch's time is up. */
  void closeAll() {
    endAll(Optional.empty());
  }

  /**
   * Sends every held watch an event the client cannot read (an object whose metadata is not an
   * object), then closes it. fabric8's watch client closes the watch with a {@code
   * WatcherException} that is not 410 Gone, and an informer stops for good after one.
   */
  void breakAll() {
    endAll(
        Optional.of(
            "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                + "\"metadata\":[\"not\",\"an\",\"object\"]}}"));
  }

  /** Sends every held watch its last event, if any, and closes it. */
  private void endAll(Optional<String> lastEvent) {
    List<WebSocket> ending = List.copyOf(held);
    held.removeAll(ending);
    for (WebSocket ws : ending) {
      lastEvent.ifPresent(ws::send);
      ws.close(1000, "");
    }
  }

  Optional<MockResponse> answer(RecordedRequest request) {
    String path = request.getPath();
    if (!path.contains("/" + resource) || !path.contains("watch=true")) {
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
