package io.clusterlifecycle.core.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/** An SPI that forwards every call to another and lets a test see, or replace, what it returned. */
final class Forwarding {
  private Forwarding() {}

  /** What a test does with a forwarded call's result; returns what the caller gets. */
  @FunctionalInterface
  interface After {
    Object apply(Method method, Object[] args, Object result) throws Throwable;
  }

  /** A proxy of {@code type} that calls {@code delegate}, then {@code after} with its result. */
  static <T> T after(Class<T> type, T delegate, After after) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              return after.apply(method, args, result);
            }));
  }
}
