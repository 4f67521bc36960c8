package io.tradelake.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradelake.config.SettingsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRunsTest {

  private static ModelRuns.SavedModel trainedOn(Map<String, String> params) {
    return new ModelRuns.SavedModel("r1", "kmeans", 3, List.of("orders"), "/m", params);
  }

  private static final Map<String, String> CNY = Map.of("silver.reporting-currency", "CNY",
      "silver.reporting-time-zone", "Asia/Shanghai", "k_min", "2");

  @Test
  void aModelScoresSilverCleanedWithTheSettingsItWasTrainedOn() {
    assertThatCode(() -> ModelRuns.checkTrainedOnSilverLike(trainedOn(CNY), "buyer model",
        Map.of("silver.reporting-currency", "CNY", "silver.reporting-time-zone", "Asia/Shanghai")))
        .doesNotThrowAnyException();
    // A model trained before silver's settings were recorded, or a silver without them: nothing to compare.
    assertThatCode(() -> ModelRuns.checkTrainedOnSilverLike(trainedOn(Map.of("k_min", "2")), "buyer model",
        Map.of("silver.reporting-currency", "USD"))).doesNotThrowAnyException();
    assertThatCode(() -> ModelRuns.checkTrainedOnSilverLike(trainedOn(CNY), "buyer model", Map.of()))
        .doesNotThrowAnyException();
  }

  @Test
  void aModelDoesNotScoreSilverCleanedAgainInAnotherTimeZoneOrCurrency() {
    assertThatThrownBy(() -> ModelRuns.checkTrainedOnSilverLike(trainedOn(CNY), "buyer model",
        Map.of("silver.reporting-currency", "CNY", "silver.reporting-time-zone", "UTC")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("the saved buyer model (run r1)")
        .hasMessageContaining("reporting-time-zone (was Asia/Shanghai, now UTC)")
        .hasMessageNotContaining("reporting-currency");
    assertThatThrownBy(() -> ModelRuns.checkTrainedOnSilverLike(trainedOn(CNY), "buyer model",
        Map.of("silver.reporting-currency", "USD", "silver.reporting-time-zone", "Asia/Shanghai")))
        .hasMessageContaining("reporting-currency (was CNY, now USD)");
  }
}
