package io.tradelake.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders the figures into BENCHMARKS.md between its figure markers; the text around them (the reading of
 * the figures) is kept as it is.
 */
final class Report {

  static final String START = "<!-- figures:start (written by the benchmark suite) -->";
  static final String END = "<!-- figures:end -->";

  private Report() {}

  static String render(String previous, List<BenchmarkSuite.Figures> all, int daysPerMonth, int dailyRuns,
      java.util.Map<String, Long> dailyFiles) {
    StringBuilder b = new StringBuilder(START).append("\n\n");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    b.append(String.format(Locale.ROOT, "Machine: %d cores, %.1f GB memory, %s %s, JVM max heap %.1f GB, %s.%n%n",
        Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1e9,
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / 1e9, System.getProperty("os.name") + " " + System.getProperty("os.arch")));
    List<Long> sizes = all.stream().map(f -> f.events).toList();
    b.append("Command: `mvn -B -Pbench verify -Dbench.sizes=")
        .append(String.join(",", sizes.stream().map(String::valueOf).toList()))
        .append(daysPerMonth > 0 ? " -Dbench.daysPerMonth=" + daysPerMonth : "")
        .append(dailyRuns > 0 ? " -Dbench.dailyRuns=" + dailyRuns : "").append("`\n\n");
    Set<String> names = new LinkedHashSet<>();
    all.forEach(f -> names.addAll(f.rows.keySet()));
    b.append("| figure |");
    all.forEach(f -> b.append(String.format(Locale.ROOT, " %,d events |", f.events)));
    b.append("\n| --- |");
    all.forEach(f -> b.append(" --- |"));
    b.append('\n');
    for (String n : names) {
      b.append("| ").append(n).append(" |");
      all.forEach(f -> b.append(' ').append(f.rows.getOrDefault(n, "")).append(" |"));
      b.append('\n');
    }
    if (all.size() >= 2) {
      BenchmarkSuite.Figures small = all.get(0);
      BenchmarkSuite.Figures large = all.get(all.size() - 1);
      List<String> ratios = new ArrayList<>();
      small.stageSeconds.forEach((stage, s) -> {
        Double l = large.stageSeconds.get(stage);
        if (l != null) {
          ratios.add(String.format(Locale.ROOT, "%s %.1f", stage, l / s));
        }
      });
      b.append(String.format(Locale.ROOT, "%nScaling %,d / %,d events: time ratio per stage: %s; peak heap (in use after GC) ratio %.2f.%n",
          large.events, small.events, String.join(", ", ratios), large.peakHeapMb / small.peakHeapMb));
    }
    if (dailyRuns > 0) {
      b.append(String.format(Locale.ROOT, "%nData files per table after %d daily runs (ingest, clean, aggregate "
          + "after each day lands): ", dailyRuns));
      List<String> parts = new ArrayList<>();
      dailyFiles.forEach((t, n) -> parts.add(t + " " + n));
      b.append(String.join(", ", parts)).append(".\n");
    }
    b.append('\n').append(END);
    return replaceBlock(previous, START, END, b.toString(), "# Benchmarks\n\n" + b + "\n");
  }

  /**
   * {@code previous} with the text from {@code start} to {@code end} (markers included) replaced by {@code block},
   * or {@code otherwise} when it has no such markers.
   */
  static String replaceBlock(String previous, String start, String end, String block, String otherwise) {
    int s = previous.indexOf(start);
    int e = previous.indexOf(end);
    if (s >= 0 && e > s) {
      return previous.substring(0, s) + block + previous.substring(e + end.length());
    }
    return otherwise;
  }
}
