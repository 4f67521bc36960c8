package io.tradelake.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KChoiceTest {

  @Test
  void theHighestSilhouetteWinsAndTheSmallerKOnATie() {
    assertThat(new KChoice(List.of(new KChoice.Candidate(2, 0.5, 9), new KChoice.Candidate(3, 0.7, 5),
        new KChoice.Candidate(4, 0.6, 3))).best().k()).isEqualTo(3);
    assertThat(new KChoice(List.of(new KChoice.Candidate(2, 0.7, 9), new KChoice.Candidate(3, 0.7, 5))).best().k())
        .isEqualTo(2);
  }
}
