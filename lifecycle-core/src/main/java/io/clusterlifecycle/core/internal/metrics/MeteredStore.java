package io.clusterlifecycle.core.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A store whose asynchronous calls are timed (docs/design.md §8.1): {@code lifecycle.store.calls}
 * with the store, the method and the outcome, from the call until its stage completes.
 */
public final class MeteredStore {
  private MeteredStore() {}

  /**
   * Wraps {@code delegate}: each method returning a {@link CompletionStage} is timed; every other
   * method is passed through.
   *
   * @param type the store's SPI interface
   * @param delegate the store
   * @param store the {@code store} tag: {@code cluster} or {@code metadata}
   * @param registry where the timers go
   */
  public static <T> T wrap(Class<T> type, T delegate, String store, MeterRegistry registry) {
    Map<String, Timer> timers = new ConcurrentHashMap<>();
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, delegate, method, args);
              }
              long started = System.nanoTime();
              Object result;
              try {
                result = method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                timer(timers, registry, store, method, "error")
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                throw e.getCause();
              }
              if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete(
                    (v, e) ->
                        timer(timers, registry, store, method, e == null ? "ok" : "error")
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
              }
              return result;
            }));
  }

  private static Object objectMethod(Object proxy, Object delegate, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "metered " + delegate;
    };
  }

  private static Timer timer(
      Map<String, Timer> timers,
      MeterRegistry registry,
      String store,
      Method method,
      String outcome) {
    return timers.computeIfAbsent(
        method.getName() + '\n' + outcome,
        k ->
            Timer.builder("lifecycle.store.calls")
                .description("calls of the engine's stores, until their result")
                .tag("store", store)
                .tag("method", method.getName())
                .tag("outcome", outcome)
                .register(registry));
  }
}
