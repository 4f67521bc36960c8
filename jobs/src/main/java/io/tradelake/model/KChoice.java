package io.tradelake.model;

import java.util.Comparator;
import java.util.List;

/** The scores of every candidate k, and the one chosen: highest silhouette, smaller k on a tie. */
public record KChoice(List<Candidate> candidates) {

  public record Candidate(int k, double silhouette, double cost) {}

  public Candidate best() {
    return candidates.stream()
        .max(Comparator.comparingDouble(Candidate::silhouette).thenComparing(Candidate::k, Comparator.reverseOrder()))
        .orElseThrow();
  }
}
