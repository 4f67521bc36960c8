package io.tradelake.clean;

import static io.tradelake.testing.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class PseudonymizerTest {

  static String hmac(String key, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void equalsTheJdksHmacSha256ForShortAndLongKeys(SparkSession spark) throws Exception {
    String longKey = "k".repeat(100); // longer than the block: hashed first, as RFC 2104 says
    for (String key : List.of("secret", longKey)) {
      List<Row> rows = Rows.strings(spark, "id", row("B1"), row("买家-42"), row((Object) null))
          .select(new Pseudonymizer(key).pseudonym(org.apache.spark.sql.functions.col("id"))).collectAsList();
      assertThat(rows.get(0).getString(0)).isEqualTo(hmac(key, "B1"));
      assertThat(rows.get(1).getString(0)).isEqualTo(hmac(key, "买家-42"));
      assertThat(rows.get(2).isNullAt(0)).isTrue();
    }
  }

  @Test
  void differentKeysGiveUnrelatedPseudonyms(SparkSession spark) {
    Row r = Rows.strings(spark, "id", row("B1"))
        .select(new Pseudonymizer("a").pseudonym(org.apache.spark.sql.functions.col("id")),
            new Pseudonymizer("b").pseudonym(org.apache.spark.sql.functions.col("id")))
        .first();
    assertThat(r.getString(0)).isNotEqualTo(r.getString(1)).hasSize(64);
  }
}
