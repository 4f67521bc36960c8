package io.tradelake.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tradelake.config.ChannelRule;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Free-text platform labels → the channel taxonomy; first matching rule wins, no match gives null. */
public final class ChannelMapper {

  private ChannelMapper() {}

  public static Dataset<Row> map(Dataset<Row> events, List<ChannelRule> rules) {
    Column label = lower(trim(col("platform")));
    Column channel = null;
    for (ChannelRule rule : rules) {
      if (rule.patterns().isEmpty()) {
        continue;
      }
      // One regex per channel (its patterns as alternatives) rather than one per pattern: a rule matches
      // when any of its patterns does, and each regex call decodes the label and builds a matcher again.
      Column matches = label.rlike(rule.patterns().stream().map(p -> "(?:" + p + ")").collect(Collectors.joining("|")));
      channel = channel == null ? when(matches, lit(rule.channel())) : channel.when(matches, lit(rule.channel()));
    }
    return events.withColumn("channel", channel == null ? lit(null).cast("string") : channel);
  }
}
