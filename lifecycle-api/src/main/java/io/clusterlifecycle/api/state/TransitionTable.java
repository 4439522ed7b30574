package io.clusterlifecycle.api.state;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The allowed moves of one state enum; immutable once built. */
final class TransitionTable<S extends Enum<S>> {
  private final Map<S, Set<S>> targets;

  private TransitionTable(Map<S, Set<S>> targets) {
    this.targets = targets;
  }

  static <S extends Enum<S>> Builder<S> builder(Class<S> type) {
    return new Builder<>(type);
  }

  Set<S> targets(S from) {
    return targets.get(from);
  }

  boolean allows(S from, S to) {
    return targets.get(from).contains(to);
  }

  S move(S from, S to) {
    if (!allows(from, to)) {
      throw new IllegalStateTransitionException(from, to);
    }
    return to;
  }

  static final class Builder<S extends Enum<S>> {
    private final Class<S> type;
    private final Map<S, EnumSet<S>> targets;

    private Builder(Class<S> type) {
      this.type = type;
      this.targets = new EnumMap<>(type);
      for (S s : type.getEnumConstants()) {
        targets.put(s, EnumSet.noneOf(type));
      }
    }

    @SafeVarargs
    final Builder<S> allow(S from, S... to) {
      Collections.addAll(targets.get(from), to);
      return this;
    }

    TransitionTable<S> build() {
      Map<S, Set<S>> frozen = new EnumMap<>(type);
      targets.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(EnumSet.copyOf(v))));
      return new TransitionTable<>(Collections.unmodifiableMap(frozen));
    }
  }
}
