package io.clusterlifecycle.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How long a simulated call takes: a fixed duration, or a draw from a uniform, exponential or
 * normal distribution.
 *
 * <p>A draw is a pure function of the seed and a key (for example the cluster, node and service of
 * a command), not of the order calls are made in. The critical path of a plan can therefore be
 * computed from the plan before or after it runs ({@link CriticalPath}), and it is exactly what the
 * simulated SPIs then wait for. Immutable and thread-safe.
 *
 * @param kind the distribution
 * @param a the fixed duration, the minimum (uniform), the mean (exponential, normal), in nanos
 * @param b the maximum (uniform), the cap (exponential), the standard deviation (normal), in nanos;
 *     unused for fixed
 * @param seed mixed into every draw
 */
public record Latency(Kind kind, long a, long b, long seed) {

  /** A latency of zero: calls complete before the SPI method returns. */
  public static final Latency ZERO = new Latency(Kind.FIXED, 0, 0, 0);

  /** The distributions. */
  public enum Kind {
    /** Always {@code a}. */
    FIXED,
    /** Uniform in {@code [a, b]}. */
    UNIFORM,
    /** Exponential with mean {@code a}, capped at {@code b}. */
    EXPONENTIAL,
    /** Normal with mean {@code a} and standard deviation {@code b}, cut at zero. */
    NORMAL
  }

  /**
   * Checks the parameters.
   *
   * @param kind the distribution
   * @param a first parameter, nanos
   * @param b second parameter, nanos
   * @param seed the seed
   */
  public Latency {
    Objects.requireNonNull(kind, "kind");
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException(
          "latency parameters must not be negative: " + a + ", " + b);
    }
    if (kind == Kind.UNIFORM && b < a) {
      throw new IllegalArgumentException("uniform latency needs min <= max, was " + a + " > " + b);
    }
  }

  /**
   * A fixed latency.
   *
   * @param value the latency
   * @return the latency
   */
  public static Latency fixed(Duration value) {
    return new Latency(Kind.FIXED, value.toNanos(), 0, 0);
  }

  /**
   * A latency drawn uniformly from {@code [min, max]}.
   *
   * @param min the shortest
   * @param max the longest
   * @param seed the seed of the draws
   * @return the latency
   */
  public static Latency uniform(Duration min, Duration max, long seed) {
    return new Latency(Kind.UNIFORM, min.toNanos(), max.toNanos(), seed);
  }

  /**
   * An exponentially distributed latency, cut at {@code cap}.
   *
   * @param mean the mean before the cut
   * @param cap the longest
   * @param seed the seed of the draws
   * @return the latency
   */
  public static Latency exponential(Duration mean, Duration cap, long seed) {
    return new Latency(Kind.EXPONENTIAL, mean.toNanos(), cap.toNanos(), seed);
  }

  /**
   * A normally distributed latency, cut at zero.
   *
   * @param mean the mean
   * @param sd the standard deviation
   * @param seed the seed of the draws
   * @return the latency
   */
  public static Latency normal(Duration mean, Duration sd, long seed) {
    return new Latency(Kind.NORMAL, mean.toNanos(), sd.toNanos(), seed);
  }

  /**
   * Parses {@code fixed:200ms}, {@code uniform:150ms..250ms}, {@code exp:50ms..400ms} (mean, cap)
   * or {@code normal:50ms,10ms} (mean, standard deviation); a bare duration ({@code 200ms}) is
   * fixed. Units: {@code ns}, {@code us}, {@code ms}, {@code s}.
   *
   * @param text the text
   * @param seed the seed of the draws
   * @return the latency
   * @throws IllegalArgumentException if the text is not one of those forms
   */
  public static Latency parse(String text, long seed) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String kind = colon < 0 ? "fixed" : t.substring(0, colon);
    String args = colon < 0 ? t : t.substring(colon + 1);
    switch (kind) {
      case "fixed":
        return new Latency(Kind.FIXED, parseNanos(args), 0, seed);
      case "uniform":
        {
          String[] p = split(args, "..", text);
          return new Latency(Kind.UNIFORM, parseNanos(p[0]), parseNanos(p[1]), seed);
        }
      case "exp":
      case "exponential":
        {
          String[] p = split(args, "..", text);
          return new Latency(Kind.EXPONENTIAL, parseNanos(p[0]), parseNanos(p[1]), seed);
        }
      case "normal":
        {
          String[] p = split(args, ",", text);
          return new Latency(Kind.NORMAL, parseNanos(p[0]), parseNanos(p[1]), seed);
        }
      default:
        throw new IllegalArgumentException(
            "unknown latency distribution '"
                + kind
                + "' in '"
                + text
                + "': use fixed, uniform, exp or normal");
    }
  }

  private static String[] split(String args, String sep, String text) {
    int i = args.indexOf(sep);
    if (i < 0) {
      throw new IllegalArgumentException(
          "latency '" + text + "' needs two values separated by '" + sep + "'");
    }
    return new String[] {args.substring(0, i), args.substring(i + sep.length())};
  }

  private static long parseNanos(String value) {
    String v = value.trim();
    long scale;
    String number;
    if (v.endsWith("ns")) {
      scale = 1;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("us")) {
      scale = 1_000;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("ms")) {
      scale = 1_000_000;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      scale = 1_000_000_000;
      number = v.substring(0, v.length() - 1);
    } else {
      throw new IllegalArgumentException("duration '" + value + "' needs a unit: ns, us, ms or s");
    }
    return Math.round(Double.parseDouble(number.trim()) * scale);
  }

  /**
   * Draws the latency of the call named by {@code key}; the same key always gets the same value.
   *
   * @param key what the call is, for example {@code cluster/node/start}
   * @return the latency in nanoseconds, {@code >= 0}
   */
  public long draw(String key) {
    switch (kind) {
      case FIXED:
        return a;
      case UNIFORM:
        return a + (long) (unit(key, 0) * (b - a));
      case EXPONENTIAL:
        {
          double u = unit(key, 0);
          long v = (long) (-Math.log1p(-u) * a);
          return Math.min(v, b);
        }
      case NORMAL:
        {
          // Box-Muller from two independent uniforms of the same key
          double u1 = Math.max(unit(key, 1), 1e-12);
          double u2 = unit(key, 2);
          double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
          return Math.max(0, Math.round(a + z * b));
        }
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  /** True for the zero latency: the SPIs complete calls at once. */
  boolean isZero() {
    return kind == Kind.FIXED && a == 0;
  }

  /** A uniform draw in {@code [0, 1)} from the seed, the key and a stream number. */
  private double unit(String key, int stream) {
    long h = 0xcbf29ce484222325L ^ seed ^ (stream * 0x9E3779B97F4A7C15L);
    for (byte c : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= c;
      h *= 0x100000001b3L;
    }
    // SplitMix64 finaliser spreads the FNV-1a hash over all bits
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }

  @Override
  public String toString() {
    switch (kind) {
      case FIXED:
        return ms(a);
      case UNIFORM:
        return "uniform " + ms(a) + ".." + ms(b);
      case EXPONENTIAL:
        return "exponential mean " + ms(a) + " cap " + ms(b);
      case NORMAL:
        return "normal mean " + ms(a) + " sd " + ms(b);
      default:
        return kind.name();
    }
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3g ms", nanos / 1e6);
  }
}
