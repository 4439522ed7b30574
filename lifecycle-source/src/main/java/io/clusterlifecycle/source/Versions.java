package io.clusterlifecycle.source;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Orders versions oldest first: dot-separated parts compared one by one, numerically when both are
 * digits and as text otherwise; when every shared part is equal, the version with fewer parts comes
 * first ({@code 6.1} before {@code 6.1.0}).
 */
final class Versions {

  /** Oldest first; {@code .reversed()} gives newest first. */
  static final Comparator<String> OLDEST_FIRST = Versions::compare;

  private Versions() {}

  static int compare(String a, String b) {
    String[] x = a.split("\\.", -1);
    String[] y = b.split("\\.", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = comparePart(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(x.length, y.length);
    return c != 0 ? c : a.compareTo(b);
  }

  private static int comparePart(String a, String b) {
    if (isNumber(a) && isNumber(b)) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    return a.compareTo(b);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
