import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark Connect client of {@code tradelake serve}: prints a query's rows, one per line, values joined by '|'.
 * Run with the client's classpath only: java -cp <spark-connect-client-jvm and its dependencies> ConnectQuery.java
 * sc://127.0.0.1:15002 "SELECT * FROM tradelake.growth_by_market"
 */
public class ConnectQuery {
  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().remote(args[0]).getOrCreate();
    try {
      for (Row r : spark.sql(args[1]).collectAsList()) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
          line.append(i == 0 ? "" : "|").append(r.isNullAt(i) ? "null" : r.get(i).toString());
        }
        System.out.println(line);
      }
    } finally {
      spark.close();
    }
  }
}
