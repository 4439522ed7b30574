package io.clusterlifecycle.core.internal.exec;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids for clusters, operations, backups and engines. */
public final class Ids {
  private Ids() {}

  /** {@code digits} random lower-case hex digits. */
  public static String hex(int digits) {
    StringBuilder s = new StringBuilder();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(r.nextInt(16), 16));
    }
    return s.toString();
  }
}
