package io.clusterlifecycle.codec;

import java.util.List;
import java.util.Optional;

/** "Did you mean" hints for unknown keys of a spec file. */
final class KeyHints {
  private KeyHints() {}

  /** The names spec files use for {@code values}: lower case. */
  static List<String> names(java.util.Set<? extends Enum<?>> values) {
    return values.stream().map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).toList();
  }

  /**
   * The known key within edit distance 2 of {@code key} or, failing that, the only known key that
   * starts with {@code key} (3 characters at least, so {@code mem} suggests {@code memory}), for
   * "did you mean" hints.
   */
  static Optional<String> closest(String key, List<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best == null && key.length() >= 3) {
      List<String> prefixed = known.stream().filter(k -> k.startsWith(key)).toList();
      if (prefixed.size() == 1) {
        best = prefixed.get(0);
      }
    }
    return Optional.ofNullable(best);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
