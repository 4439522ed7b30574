package io.clusterlifecycle.core.sim;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.codec.RecordCodec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks every cluster record the engine hands a store: written by the record codec and read back,
 * it must equal the record given. The stores that keep records as text return what they read back
 * (docs/design.md §9.5) and the engine goes on from the record a store returns, so a field the
 * codec did not keep would be lost at the engine's next write.
 */
final class CodecRoundTrips {
  private final List<String> mismatches = new CopyOnWriteArrayList<>();

  /** {@code store}, checking the cluster records of {@code put} and {@code write} first. */
  ClusterStore wrap(ClusterStore store) {
    return (ClusterStore)
        Proxy.newProxyInstance(
            ClusterStore.class.getClassLoader(),
            new Class<?>[] {ClusterStore.class},
            (proxy, method, args) -> {
              for (Object arg : args == null ? new Object[0] : args) {
                if (arg instanceof Cluster c) {
                  check(c);
                } else if (arg instanceof StoreBatch b) {
                  b.cluster().ifPresent(this::check);
                }
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /** The records that did not read back equal, each with the components that differed. */
  List<String> mismatches() {
    return List.copyOf(mismatches);
  }

  private void check(Cluster c) {
    Cluster back;
    try {
      back = RecordCodec.read(RecordCodec.write(c), Cluster.class);
    } catch (RuntimeException e) {
      mismatches.add("cluster " + c.id() + " v" + c.version() + " does not round-trip: " + e);
      return;
    }
    if (!back.equals(c)) {
      mismatches.add(
          "cluster "
              + c.id()
              + " v"
              + c.version()
              + " reads back different: "
              + differences(c, back));
    }
  }

  private static List<String> differences(Record given, Record back) {
    List<String> out = new ArrayList<>();
    for (RecordComponent rc : given.getClass().getRecordComponents()) {
      try {
        Object a = rc.getAccessor().invoke(given);
        Object b = rc.getAccessor().invoke(back);
        if (a == null ? b != null : !a.equals(b)) {
          out.add(rc.getName() + ": " + a + " -> " + b);
        }
      } catch (ReflectiveOperationException e) {
        out.add(rc.getName() + ": " + e);
      }
    }
    return out;
  }
}
