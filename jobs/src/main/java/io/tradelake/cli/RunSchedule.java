package io.tradelake.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * When {@code run --every} starts its runs: at fixed times counted from the first run's start, so that runs do
 * not drift by their own length (every 24h starts at the same time each day); a start missed because a run
 * took longer than the period is skipped, not made up. {@code maxRuns} 0 runs until stopped.
 */
record RunSchedule(Duration every, int maxRuns) {

  RunSchedule {
    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--every must be at least 1s, not "
          + every.toString().substring(2).toLowerCase(Locale.ROOT));
    }
    if (maxRuns < 0) {
      throw new IllegalArgumentException("--max-runs must be 0 (no limit) or more, not " + maxRuns);
    }
  }

  /** The first start after {@code now}: {@code first} plus a whole number of periods. */
  Instant nextStart(Instant first, Instant now) {
    long periods = now.isBefore(first) ? 0 : Duration.between(first, now).toMillis() / every.toMillis();
    return first.plus(every.multipliedBy(periods + 1));
  }

  /** Whether another run follows {@code done} runs. */
  boolean another(int done) {
    return maxRuns == 0 || done < maxRuns;
  }

  /** {@code 90s}, {@code 15m}, {@code 6h}, {@code 1d}, or ISO-8601 ({@code PT1H30M}). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*([smhd])");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 90s, 15m, 6h, "
            + "1d or PT1H30M");
      }
    }
  }
}
