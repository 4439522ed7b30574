package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.spi.ClusterStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the calls the engine makes to a cluster store, by method and by calling thread, through a
 * {@linkplain #store() view} that passes every call on. It shows how many store round trips (and,
 * for the writes, durable transactions) an operation costs, and which threads wait for them.
 */
public final class CountingClusterStore {
  private final ClusterStore store;
  private final ClusterStore counted;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> threads = new ConcurrentHashMap<>();

  /**
   * Wraps a store.
   *
   * @param store the store; closed with this one
   */
  public CountingClusterStore(ClusterStore store) {
    this.store = Objects.requireNonNull(store, "store");
    this.counted =
        (ClusterStore)
            Proxy.newProxyInstance(
                ClusterStore.class.getClassLoader(),
                new Class<?>[] {ClusterStore.class},
                (proxy, method, args) -> {
                  if (method.getDeclaringClass() == ClusterStore.class
                      && CompletionStage.class.isAssignableFrom(method.getReturnType())) {
                    count(method.getName());
                  }
                  try {
                    return method.invoke(this.store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  /**
   * The store to give the engine: every SPI call is counted, then made on the wrapped store;
   * closing it closes the wrapped store.
   *
   * @return the counting view
   */
  public ClusterStore store() {
    return counted;
  }

  /**
   * Calls so far, by method.
   *
   * @return method name to count, sorted by name
   */
  public Map<String, Long> calls() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Calls so far, by the name of the thread that made them (digits folded to {@code N}).
   *
   * @return thread name to count, sorted by name
   */
  public Map<String, Long> threads() {
    Map<String, Long> out = new TreeMap<>();
    threads.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private void count(String method) {
    calls.computeIfAbsent(method, k -> new LongAdder()).increment();
    threads
        .computeIfAbsent(
            Thread.currentThread().getName().replaceAll("\\d+", "N"), k -> new LongAdder())
        .increment();
  }
}
