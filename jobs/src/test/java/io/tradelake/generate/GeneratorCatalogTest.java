package io.tradelake.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradelake.clean.CountryCodes;
import io.tradelake.config.ChannelRule;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generator's fixed world against the pipeline's configuration: no Spark needed. */
class GeneratorCatalogTest {

  static final Settings SETTINGS = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));

  /** What io.tradelake.clean.ChannelMapper does: first channel whose pattern finds a match in the label. */
  static String channelOf(String label) {
    String lower = label.trim().toLowerCase(Locale.ROOT);
    for (ChannelRule rule : SETTINGS.channels()) {
      for (String p : rule.patterns()) {
        if (Pattern.compile(p).matcher(lower).find()) {
          return rule.channel();
        }
      }
    }
    return null;
  }

  /** io.tradelake.clean.CountryCodes' lookup key. */
  static String key(String spelling) {
    return spelling.replace(".", "").replaceAll("\\s+", " ").trim().toUpperCase(Locale.ROOT);
  }

  @Test
  void everyPlatformLabelMapsToItsChannel() {
    assertThat(Catalog.CHANNELS).containsExactlyElementsOf(SETTINGS.channels().stream().map(ChannelRule::channel).toList());
    Catalog.LABELS.forEach((direction, byChannel) -> {
      for (int ch = 0; ch < byChannel.size(); ch++) {
        for (String label : byChannel.get(ch)) {
          assertThat(channelOf(label)).as(direction + " label " + label).isEqualTo(Catalog.CHANNELS.get(ch));
        }
      }
    });
  }

  @Test
  void everySpellingIsRecognisedAndUnknownCountriesAreNot() {
    Map<String, String> table = CountryCodes.aliasTable(SETTINGS.countryAliases());
    Catalog.SPELLINGS.forEach((iso, spellings) -> {
      assertThat(table.get(key(iso))).isEqualTo(iso);
      spellings.forEach(s -> assertThat(table.get(key(s))).as(s).isEqualTo(iso));
    });
    Catalog.EXPORT_MARKETS.forEach(m -> assertThat(table.get(m.code())).isEqualTo(m.code()));
    Catalog.IMPORT_MARKETS.forEach(m -> assertThat(table.get(m.code())).isEqualTo(m.code()));
    for (String unknown : Catalog.UNKNOWN_COUNTRIES) {
      assertThat(table).doesNotContainKey(key(unknown));
    }
  }

  @Test
  void marketMixesAreTheCustomsShares() {
    assertThat(Catalog.EXPORT_MARKETS.stream().mapToDouble(Catalog.Market::weight).sum()).isCloseTo(100.0,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Catalog.IMPORT_MARKETS.stream().mapToDouble(Catalog.Market::weight).sum()).isCloseTo(100.0,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Catalog.EXPORT_MARKETS.subList(0, 5)).extracting(Catalog.Market::code, Catalog.Market::weight)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("US", 34.3), org.assertj.core.groups.Tuple.tuple("GB", 6.5),
            org.assertj.core.groups.Tuple.tuple("DE", 4.6), org.assertj.core.groups.Tuple.tuple("MY", 3.9),
            org.assertj.core.groups.Tuple.tuple("RU", 2.9));
    assertThat(Catalog.IMPORT_MARKETS.subList(0, 4)).extracting(Catalog.Market::code)
        .containsExactly("JP", "US", "AU", "FR");
  }

  @Test
  void shelfPricesArePositiveInTheCurrencysMinorUnits() {
    for (String c : List.of("CNY", "USD", "EUR", "GBP", "JPY", "AUD", "KRW", "HKD", "RUB", "SGD")) {
      for (double local : new double[] {0.001, 0.4, 3, 7.5, 99.6, 1234.5, 987654.3}) {
        BigDecimal p = DayGenerator.shelfPrice(local, c);
        assertThat(p.signum()).as(c + " " + local).isPositive();
        assertThat(p.scale()).isEqualTo(Catalog.decimals(c));
      }
    }
    assertThat(DayGenerator.shelfPrice(23.4, "USD")).isEqualByComparingTo("23.99");
    assertThat(DayGenerator.shelfPrice(1234, "JPY")).isEqualByComparingTo("1230");
  }

  @Test
  void valuesRoundLikeSparkDecimals() {
    // 3 × 0.35 × 0.0583 = 0.061215: Spark keeps 6 decimals, then round(…, 4) gives 0.0612
    assertThat(DayGenerator.value(3, new BigDecimal("0.35"), new BigDecimal("0.0583"))).isEqualByComparingTo("0.0612");
    assertThat(DayGenerator.value(2, new BigDecimal("1000"), new BigDecimal("0.06"))).isEqualByComparingTo("120.0000");
  }

  @Test
  void calibrationTargetsComeFromThePublishedSeries() {
    Calibration cal = Calibration.of(GeneratorSettings.defaults());
    assertThat(cal.series.get(2019)).containsExactly(186.21, 94.40, 91.81);
    assertThat(cal.exportShare(2015)).isEqualTo(cal.exportShare(2016)); // 2015's split is unknown
    double y2019 = cal.periodTargets.get(Calibration.key(2019, 0))[0] + cal.periodTargets.get(Calibration.key(2019, 0))[1];
    assertThat(y2019).isCloseTo(186.21e9, org.assertj.core.data.Offset.offset(1.0));
    double[] h1 = cal.periodTargets.get(Calibration.key(2020, 1));
    assertThat(h1[0] + h1[1]).isGreaterThan(0.6 * y2019 * 0.5);
    double days = 0;
    for (LocalDate d = LocalDate.of(2019, 1, 1); d.getYear() == 2019; d = d.plusDays(1)) {
      days += cal.real(d, 0) + cal.real(d, 1);
    }
    assertThat(days).isCloseTo(186.21e9, org.assertj.core.data.Offset.offset(10.0));
    assertThat(cal.real(LocalDate.of(2019, 11, 11), 1)).isGreaterThan(4 * cal.real(LocalDate.of(2019, 11, 20), 1));
    assertThat(cal.real(LocalDate.of(2019, 2, 6), 1)).isLessThan(cal.real(LocalDate.of(2019, 3, 6), 1));
  }

  @Test
  void settingsRejectWhatTheGeneratorCannotMake() {
    GeneratorSettings d = GeneratorSettings.defaults();
    assertThatThrownBy(() -> d.withRange(LocalDate.of(2014, 1, 1), LocalDate.of(2015, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GeneratorSettings.Dirt(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5))
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> d.withEvents(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
