package io.clusterlifecycle.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** The faults programmed for one kind of call, matched in the order they were added. */
final class Faults<T> {
  private record Entry<T>(Predicate<? super T> which, Fault fault) {}

  private final List<Entry<T>> entries = new CopyOnWriteArrayList<>();

  Fault add(Predicate<? super T> which, Throwable error) {
    Objects.requireNonNull(which, "which");
    Fault fault = new Fault(error);
    entries.add(new Entry<>(which, fault));
    return fault;
  }

  /** Returns the error of the first active fault matching the subject, claiming one hit. */
  Optional<Throwable> match(T subject) {
    for (Entry<T> e : entries) {
      if (e.fault().isActive() && e.which().test(subject) && e.fault().tryHit()) {
        return Optional.of(e.fault().error());
      }
    }
    return Optional.empty();
  }

  void clear() {
    entries.forEach(e -> e.fault().remove());
    entries.clear();
  }
}
