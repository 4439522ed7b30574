package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.CommandResult;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values one operation resolved, and the masking of them (docs/design.md §11): every
 * command output tail, step error, journal detail and event message of the operation passes through
 * {@link #scrub(String)} before it is recorded or emitted, so a value shows as {@value #MASK}.
 * Values are kept in memory only, for as long as the operation runs. Thread-safe.
 */
final class SecretScrubber {
  /** What a secret value is replaced with. */
  static final String MASK = "***";

  /** Lines of a multi-line value shorter than this are not masked on their own. */
  private static final int MIN_LINE = 4;

  private final Set<String> values = ConcurrentHashMap.newKeySet();
  private volatile List<String> longestFirst = List.of();

  /** Adds a resolved value (and, for a multi-line one, each of its lines) to what is masked. */
  void add(String value) {
    if (value.isEmpty()) {
      return;
    }
    boolean changed = values.add(value);
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      for (String line : value.split("\\R")) {
        String l = line.strip();
        if (l.length() >= MIN_LINE) {
          changed |= values.add(l);
        }
      }
    }
    if (changed) {
      synchronized (this) {
        longestFirst =
            values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
      }
    }
  }

  /** The text with every known value replaced by {@value #MASK}; null stays null. */
  String scrub(String text) {
    List<String> known = longestFirst;
    if (text == null || text.isEmpty() || known.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : known) {
      if (out.contains(v)) {
        out = out.replace(v, MASK);
      }
    }
    return out;
  }

  /**
   * The result with its output tails scrubbed. A tail cut at {@link CommandResult#MAX_TAIL} may
   * begin with the end of a value; that part is masked too.
   */
  CommandResult scrubResult(CommandResult r) {
    if (longestFirst.isEmpty()) {
      return r;
    }
    return r.toBuilder()
        .stdoutTail(scrubTail(r.stdoutTail()))
        .stderrTail(scrubTail(r.stderrTail()))
        .result(scrub(r.result()))
        .status(scrub(r.status()))
        .build();
  }

  private String scrubTail(String tail) {
    boolean cut = tail.length() >= CommandResult.MAX_TAIL;
    String out = scrub(tail);
    if (!cut) {
      return out;
    }
    int longest = 0;
    for (String v : longestFirst) {
      for (int k = Math.min(v.length() - 1, out.length()); k > longest; k--) {
        if (out.startsWith(v.substring(v.length() - k))) {
          longest = k;
          break;
        }
      }
    }
    return longest == 0 ? out : MASK + out.substring(longest);
  }
}
