package io.tradelake.model;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
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
 * Readable cluster profiles: size, each feature's mean in its own units (not logged, not scaled: the centroid
 * as an analyst reads it), the largest members, and a label naming the (at most three) features where the
 * cluster stands out most (more than half a standard deviation from all members).
 */
public final class ClusterProfiles {

  /** A feature stands out when the cluster's mean is this many standard deviations from everyone's. */
  static final double STANDOUT = 0.5;
  static final int MAX_WORDS = 3;

  private ClusterProfiles() {}

  /**
   * Adds {@code top_<column>}: the cluster's most frequent values of a categorical column (up to 3, most
   * members first, ties by value).
   */
  public static Dataset<Row> withTopValues(Dataset<Row> profiles, Dataset<Row> assigned, String column) {
    Dataset<Row> top = assigned.where(col(column).isNotNull()).groupBy(col("cluster"), col(column)).count()
        .groupBy("cluster")
        .agg(slice(transform(sort_array(collect_list(struct(col("count").multiply(-1).as("n"), col(column).as("v")))),
            s -> s.getField("v")), 1, 3).as("top_" + column));
    return profiles.join(top, new String[] {"cluster"}, "left");
  }

  /**
   * @param labels feature → (word when high, word when low); a null word says nothing
   * @param assigned one row per member with {@code cluster}, the features, a {@code member} name and a
   *     {@code weight} that orders members within a cluster
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

    // Each standout feature as (|z|, word); the label names the MAX_WORDS that stand out most.
    List<Column> words = new ArrayList<>();
    for (String f : features) {
      Column z = when(col("sd_" + f).gt(0), col(f).cast("double").minus(col("mean_" + f)).divide(col("sd_" + f)));
      String[] hiLo = labels.getOrDefault(f, new String[] {"high " + f, "low " + f});
      Column word = when(z.gt(STANDOUT), lit(hiLo[0])).when(z.lt(-STANDOUT), lit(hiLo[1]));
      words.add(struct(abs(z).as("z"), word.as("word")));
    }
    Column standout = slice(sort_array(filter(array(words.toArray(Column[]::new)), w -> w.getField("word").isNotNull()),
        false), 1, MAX_WORDS);
    Column label = array_join(transform(standout, w -> w.getField("word")), " · ");
    List<Column> out = new ArrayList<>(List.of(col("cluster"), col("size")));
    features.forEach(f -> out.add(col(f)));
    out.add(col("top_members"));
    out.add(when(label.equalTo(""), lit("typical")).otherwise(label).as("label"));
    return joined.select(out.toArray(Column[]::new));
  }
}
