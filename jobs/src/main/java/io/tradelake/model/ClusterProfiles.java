package io.tradelake.model;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Readable cluster profiles: size, each feature's mean in its own units, the largest members, and a label
 * naming the features where the cluster stands out (more than half a standard deviation from all members).
 */
public final class ClusterProfiles {

  private ClusterProfiles() {}

  /**
   * @param assigned one row per member with {@code cluster}, the features, a {@code member} name and a
   *     {@code weight} that orders members within a cluster
   * @param labels feature → (word when high, word when low)
   */
  public static Dataset<Row> profile(Dataset<Row> assigned, List<String> features, Map<String, String[]> labels) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("size"));
    for (String f : features) {
      aggs.add(avg(col(f)).as(f));
    }
    // Members sorted by weight, largest first: the cluster's best-known members.
    aggs.add(slice(transform(sort_array(collect_list(struct(col("weight").multiply(-1).as("w"), col("member"))), true),
        s -> s.getField("member")), 1, 5).as("top_members"));
    Dataset<Row> byCluster = assigned.groupBy("cluster").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));

    List<Column> overall = new ArrayList<>();
    for (String f : features) {
      overall.add(avg(col(f)).as("mean_" + f));
      overall.add(stddev_pop(col(f)).as("sd_" + f));
    }
    Dataset<Row> stats = assigned.agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new));
    Dataset<Row> joined = byCluster.crossJoin(stats);

    List<Column> words = new ArrayList<>();
    for (String f : features) {
      Column z = when(col("sd_" + f).gt(0), col(f).minus(col("mean_" + f)).divide(col("sd_" + f)));
      String[] hiLo = labels.getOrDefault(f, new String[] {"high " + f, "low " + f});
      words.add(when(z.gt(0.5), lit(hiLo[0])).when(z.lt(-0.5), lit(hiLo[1])));
    }
    Column label = concat_ws(" · ", words.toArray(Column[]::new));
    List<Column> out = new ArrayList<>(List.of(col("cluster"), col("size")));
    features.forEach(f -> out.add(col(f)));
    out.add(col("top_members"));
    out.add(when(label.equalTo(""), lit("typical")).otherwise(label).as("label"));
    return joined.select(out.toArray(Column[]::new));
  }
}
