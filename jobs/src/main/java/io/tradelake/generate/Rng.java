package io.tradelake.generate;

/**
 * SplitMix64: a tiny, fully specified generator, so a stream seeded from (seed, day, stream) gives the same
 * numbers on every JVM and machine. Floating point uses {@link StrictMath} only, for the same reason.
 */
final class Rng {

  private long state;

  private Rng(long state) {
    this.state = state;
  }

  /** A stream for one purpose: the parts are mixed, so nearby seeds give unrelated streams. */
  static Rng of(long... parts) {
    return new Rng(hash(parts));
  }

  static long hash(long... parts) {
    long h = 0x6A09E667F3BCC909L;
    for (long p : parts) {
      h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** A uniform double in [0, 1) from a hash of the parts: for stateless, per-item decisions. */
  static double unit(long... parts) {
    return (hash(parts) >>> 11) * 0x1.0p-53;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    return (int) ((nextLong() >>> 33) % bound);
  }

  /** Uniform in [from, to] (inclusive). */
  int between(int from, int to) {
    return from + nextInt(to - from + 1);
  }

  boolean chance(double p) {
    return p > 0 && nextDouble() < p;
  }

  /** Standard normal (Box-Muller, one of the pair). */
  double gaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }

  /** Log-normal with the given median and log-scale sigma. */
  double logNormal(double median, double sigma) {
    return median * StrictMath.exp(sigma * gaussian());
  }

  /** Index drawn with probability proportional to the (non-negative) weights. */
  int pick(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double r = nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    for (int i = weights.length - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return i;
      }
    }
    return 0;
  }

  <T> T pick(T[] items) {
    return items[nextInt(items.length)];
  }
}
