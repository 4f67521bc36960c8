package io.tradelake.model;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Market features on tiny inline growth_by_market and silver rows. */
@SparkTest
class MarketFeaturesTest {

  static final List<String> CHANNELS = List.of("social_ecommerce", "cross_border_ecommerce_platform",
      "brand_official_website", "duty_free_travel_retail");

  /** growth_by_market's columns the features read: two halves of JP imports, one of US exports. */
  static Dataset<Row> growth(SparkSession spark) {
    return spark.sql("""
        SELECT period_type, CAST(period_start AS DATE) AS period_start, direction, market,
               CAST(gross_value AS DECIMAL(38,2)) AS gross_value, CAST(refund_value AS DECIMAL(38,2)) AS refund_value,
               CAST(orders AS BIGINT) AS orders, CAST(buyers AS BIGINT) AS buyers,
               CAST(share_pct AS DECIMAL(20,2)) AS share_pct, CAST(yoy_pct AS DECIMAL(20,2)) AS yoy_pct
        FROM VALUES
          ('half', '2019-01-01', 'IMPORT', 'JP', 400.00,   0.00, 3, 3, 80.00, NULL),
          ('half', '2019-07-01', 'IMPORT', 'JP', 600.00, 100.00, 3, 3, 90.00, 20.00),
          ('half', '2019-07-01', 'IMPORT', 'ALL', 700.00, 100.00, 4, 4, 100.00, 10.00),
          ('year', '2019-01-01', 'IMPORT', 'JP', 1000.00, 100.00, 6, 5, 85.00, NULL),
          ('half', '2019-07-01', 'EXPORT', 'US', 100.00,   0.00, 2, 2, 100.00, NULL)
        AS t(period_type, period_start, direction, market, gross_value, refund_value, orders, buyers, share_pct,
             yoy_pct)
        """);
  }

  /** silver_events' columns the sales facts read. */
  static Dataset<Row> silver(SparkSession spark) {
    return spark.sql("""
        SELECT event_type, order_id, buyer_id, CAST(reporting_value AS DECIMAL(38,4)) AS reporting_value,
               CAST(event_date AS DATE) AS event_date, direction, market, channel, cohort, age_band,
               CAST(buyer_age AS INT) AS buyer_age
        FROM VALUES
          ('ORDER',  'o1', 'b1', 100.00, '2019-03-01', 'IMPORT', 'JP', 'social_ecommerce', 'k', 'a', 30),
          ('REFUND', 'o1', 'b1', 100.00, '2019-08-01', 'IMPORT', 'JP', 'social_ecommerce', 'k', 'a', 30),
          ('ORDER',  'o2', 'b2', 200.00, '2019-04-01', 'IMPORT', 'JP', 'social_ecommerce', 'k', 'a', 30),
          ('ORDER',  'o3', 'b3', 300.00, '2019-09-01', 'IMPORT', 'JP', 'cross_border_ecommerce_platform', 'k', 'a', 30),
          ('ORDER',  'o3', 'b3', 200.00, '2019-09-01', 'IMPORT', 'JP', 'cross_border_ecommerce_platform', 'k', 'a', 30),
          ('ORDER',  'o4', 'b4', 150.00, '2019-10-01', 'IMPORT', 'JP', 'cross_border_ecommerce_platform', 'k', 'a', 30),
          ('ORDER',  'o5', 'b3', 999.00, '2019-11-01', 'IMPORT', 'JP', 'cross_border_ecommerce_platform', 'k', 'a', 30),
          ('CANCEL', 'o5', 'b3', NULL,   '2019-11-02', 'IMPORT', 'JP', 'cross_border_ecommerce_platform', 'k', 'a', 30),
          ('ORDER',  'o6', 'b5',  50.00, '2019-12-01', 'IMPORT', 'JP', 'brand_official_website', 'k', 'a', 30),
          ('ORDER',  'o7', 'b6',  70.00, '2019-08-01', 'EXPORT', 'US', 'social_ecommerce', 'k', 'a', 30),
          ('ORDER',  'o8', 'b7',  30.00, '2019-08-02', 'EXPORT', 'US', 'social_ecommerce', 'k', 'a', 30),
          ('ORDER',  'o9', 'b8', 500.00, '2019-08-03', 'DOMESTIC', 'CN', 'social_ecommerce', 'k', 'a', 30)
        AS t(event_type, order_id, buyer_id, reporting_value, event_date, direction, market, channel, cohort,
             age_band, buyer_age)
        """);
  }

  /** The same with the cancelled orders joined by a shuffle or broadcast (when they are few). */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void eachMarketCarriesItsChannelMixBesideItsGrowthProfile(boolean broadcastCancels, SparkSession spark) {
    Dataset<Row> features = MarketFeatures.from(growth(spark), silver(spark), CHANNELS, 2, broadcastCancels);
    // JP imports: 1,000 of orders not cancelled (o5 is), of which social 300 (two buyers), platforms 650 (two
    // buyers), brand sites 50 (one buyer: fewer than 2, so not shown), duty-free nothing. The refund of o1
    // does not lower its channel's gross value.
    assertThat(sorted(features, "market", "direction", "gross_value", "pct_social_ecommerce",
        "pct_cross_border_ecommerce_platform", "pct_brand_official_website", "pct_duty_free_travel_retail"))
        .containsExactly(
            "JP|IMPORT|1000.00|30.0|65.0|null|0.0",
            "US|EXPORT|100.00|100.0|0.0|0.0|0.0");
    assertThat(io.tradelake.aggregate.SalesFacts.fewCancels(silver(spark))).isTrue();
  }

  @Test
  void theChannelMixRoundsSharesToTwoDecimals(SparkSession spark) {
    Dataset<Row> facts = io.tradelake.aggregate.SalesFacts.from(silver(spark).where("market = 'US'")
        .union(spark.sql("""
            SELECT 'ORDER', 'o10', 'b9', CAST(200.00 AS DECIMAL(38,4)), CAST('2019-08-04' AS DATE), 'EXPORT', 'US',
                   'duty_free_travel_retail', 'k', 'a', 30""")));
    assertThat(sorted(MarketFeatures.channelMix(facts, CHANNELS, 1), "market", "direction", "pct_social_ecommerce",
        "pct_duty_free_travel_retail")).containsExactly("US|EXPORT|33.33|66.67");
  }

  @Test
  void everyColumnIsDocumentedAndEveryChannelIsAFeatureAModelMayUse(SparkSession spark) {
    Dataset<Row> features = MarketFeatures.from(growth(spark), silver(spark), CHANNELS, 2);
    TableDocs docs = TableDocs.inCurrency("CNY");
    for (StructField f : features.schema().fields()) {
      assertThat(docs.column(Tables.MARKET_FEATURES, f.name())).as(f.name()).isNotNull();
    }
    assertThat(docs.column(Tables.MARKET_FEATURES, "pct_social_ecommerce")).contains("privacy.min-buyers");
    assertThat(docs.column(Tables.MARKET_FEATURES, "pct_")).isNull();
    assertThat(MarketFeatures.numericColumns(CHANNELS)).containsAll(MarketFeatures.ALL_COLUMNS)
        .contains("pct_duty_free_travel_retail");
    assertThat(List.of(features.columns())).containsAll(MarketFeatures.numericColumns(CHANNELS));
  }
}
