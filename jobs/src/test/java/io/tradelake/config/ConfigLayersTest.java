package io.tradelake.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reference.conf < conf/<env>.conf < --config file < --conf flags; and what a bad value says. */
class ConfigLayersTest {

  @Test
  void eachLayerOverridesTheOneBelow(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("test.conf"),
        "tradelake { reporting-currency = USD, input = from-env, privacy.dev-key = k }");
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "tradelake { input = from-user, warehouse = from-user }");
    Config c = ConfigLoader.load("test", Optional.of(user), List.of("warehouse=from-flag",
        "spark.sql.shuffle.partitions=7"), Optional.of(dir));
    Settings s = Settings.from(c, name -> null);
    assertThat(s.reportingCurrency()).isEqualTo("USD");
    assertThat(s.reportingTimeZone()).isEqualTo("Asia/Shanghai");
    assertThat(s.input()).isEqualTo("from-user");
    assertThat(s.warehouse()).isEqualTo("from-flag");
    assertThat(s.spark()).containsEntry("spark.sql.shuffle.partitions", "7");
    assertThat(s.pseudonymKey()).isEqualTo("k");
    assertThat(Settings.from(c, name -> "from-env-var").pseudonymKey()).isEqualTo("from-env-var");
  }

  @Test
  void aStageMaySetSparkSqlSettingsOfItsOwnAndOnlyThose() {
    Settings local = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of(), Optional.of(Path.of("../conf"))));
    assertThat(local.sparkFor("aggregate")).containsEntry("spark.sql.shuffle.partitions", "64");
    assertThat(local.sparkFor("clean")).isEmpty();
    assertThat(local.sparkFor(Settings.SMALL_DATA)).containsEntry("spark.sql.codegen.wholeStage", "false");
    Settings flagged = Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("clean.spark.\"spark.sql.shuffle.partitions\"=8"), Optional.of(Path.of("../conf"))));
    assertThat(flagged.sparkFor("clean")).containsExactly(java.util.Map.entry("spark.sql.shuffle.partitions", "8"));
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("model.spark.\"spark.executor.memory\"=2g"), Optional.of(Path.of("../conf")))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("model.spark.spark.executor.memory")
        .hasMessageContaining("only Spark SQL settings");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("small-data.spark.\"spark.driver.memory\"=2g"), Optional.of(Path.of("../conf")))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("small-data.spark.spark.driver.memory");
  }

  @Test
  void theShippedLocalEnvironmentParsesWithBothLayouts() {
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of(), Optional.of(Path.of("../conf"))));
    assertThat(s.layouts()).containsKeys("shopline-csv", "globalbuy-jsonl");
    assertThat(s.spark()).containsEntry("spark.master", "local[2]");
    assertThat(s.channels()).extracting(ChannelRule::channel).hasSize(7);
  }

  @Test
  void badValuesAreNamedInOneLine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.conf"), "tradelake.privacy.dev-key = k");
    Path overlapping = dir.resolve("overlap.conf");
    Files.writeString(overlapping, "tradelake.cohorts = [{name=a,from=1990,to=1999},{name=b,from=1995,to=2000}]");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.of(overlapping), List.of(),
        Optional.of(dir)))).isInstanceOf(SettingsException.class).hasMessageContaining("bands a and b overlap");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("reporting-country=XX"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("reporting-country");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("model.buyers.k-search-rows=7"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("k-search-rows must be above k-max (7)");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("ingest.min-file-age=-5m"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("ingest.min-file-age: must not be negative");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("ingest.min-file-age=ten minutes"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("ingest.min-file-age");
    assertThatThrownBy(() -> ConfigLoader.load("nope", Optional.empty(), List.of(), Optional.of(dir)))
        .isInstanceOf(SettingsException.class).hasMessageContaining("unknown env 'nope'");
    assertThatThrownBy(() -> ConfigLoader.load("t", Optional.of(dir.resolve("missing.conf")), List.of(),
        Optional.of(dir))).isInstanceOf(SettingsException.class).hasMessageContaining("config file not found");
  }

  /** HOCON takes any key: a misspelt setting must fail, not leave its default in place unnoticed. */
  @Test
  void aKeyThePipelineDoesNotReadIsRejectedWithWhereItWasSet(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.conf"), "tradelake.privacy.dev-key = k");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("reporting-curency=USD"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class)
        .hasMessage("unknown setting tradelake.reporting-curency (set in --conf flags): "
            + "did you mean tradelake.reporting-currency?");
    Path user = dir.resolve("user.conf");
    Files.writeString(user, "tradelake {\n  rule { max-quantity = 5 }\n}\n");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.of(user), List.of(), Optional.of(dir))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("unknown setting tradelake.rule.max-quantity (set in " + user)
        .hasMessageContaining(": 2)")
        .hasMessageEndingWith("did you mean tradelake.rules.max-quantity?");
    // A layout's keys are checked too, and its fields' sources.
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("layouts.shopline-csv.delimeter=;"), Optional.of(Path.of("../conf")))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("unknown setting tradelake.layouts.shopline-csv.delimeter")
        .hasMessageEndingWith("did you mean tradelake.layouts.shopline-csv.delimiter?");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("layouts.shopline-csv.fields.currency.colum=ccy"), Optional.of(Path.of("../conf")))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("unknown setting tradelake.layouts.shopline-csv.fields.currency.colum");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load("t", Optional.empty(),
        List.of("nothing-like-a-setting=1"), Optional.of(dir))))
        .isInstanceOf(SettingsException.class).hasMessageEndingWith("(set in --conf flags)");
    // Where the keys are the user's own: Spark settings, per-stage Spark SQL settings, country aliases, layouts.
    Path own = dir.resolve("own.conf");
    Files.writeString(own, "tradelake { country-aliases.FR = [France], layouts.other-csv { format = csv, "
        + "columns = [id, ccy], fields { event_id = id, currency.column = ccy, platform.constant = shop } } }");
    Settings s = Settings.from(ConfigLoader.load("local", Optional.of(own), List.of("spark.my.own=1",
        "clean.spark.\"spark.sql.shuffle.partitions\"=8"), Optional.of(Path.of("../conf"))));
    assertThat(s.spark()).containsEntry("spark.my.own", "1");
    assertThat(s.countryAliases()).containsKey("FR");
    assertThat(s.layouts()).containsKeys("other-csv", "shopline-csv");
  }

  @Test
  void secretsAreMaskedInTheLoggedConfiguration(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.conf"), "tradelake { privacy.dev-key = s3cr3t, store { secret-token = abc } }");
    String rendered = ConfigPrinter.render(ConfigLoader.load("t", Optional.empty(), List.of(), Optional.of(dir)));
    assertThat(rendered).doesNotContain("s3cr3t").doesNotContain("abc").contains("****");
  }
}
