package io.tradelake.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a Delta table with the Delta Kernel (no Spark): how another engine sees the warehouse. Rows come out
 * like {@link Rows#sorted}: "a|b|c" strings, sorted.
 */
public final class KernelReader {

  private KernelReader() {}

  public static List<String> sortedRows(String tablePath, List<String> columns) throws IOException {
    Engine engine = DefaultEngine.create(new Configuration());
    Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<String> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                .readParquetFiles(single(file), physical, Optional.empty()).map(r -> r.getData());
            try (CloseableIterator<FilteredColumnarBatch> logical =
                     Scan.transformPhysicalData(engine, scanState, scanFile, data)) {
              while (logical.hasNext()) {
                try (CloseableIterator<Row> rows = logical.next().getRows()) {
                  rows.forEachRemaining(r -> out.add(render(r, columns)));
                }
              }
            }
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static String render(Row row, List<String> columns) {
    StringBuilder b = new StringBuilder();
    for (String c : columns) {
      int i = row.getSchema().indexOf(c);
      b.append(b.isEmpty() ? "" : "|").append(row.isNullAt(i) ? "null" : value(row, i, row.getSchema().at(i).getDataType()));
    }
    return b.toString();
  }

  private static String value(Row row, int i, DataType type) {
    return switch (type.toString()) {
      case "string" -> row.getString(i);
      case "long" -> String.valueOf(row.getLong(i));
      case "integer" -> String.valueOf(row.getInt(i));
      case "boolean" -> String.valueOf(row.getBoolean(i));
      case "double" -> String.valueOf(row.getDouble(i));
      default -> type instanceof DateType ? LocalDate.ofEpochDay(row.getInt(i)).toString()
          : type instanceof io.delta.kernel.types.DecimalType ? row.getDecimal(i).toString()
          : "unsupported " + type;
    };
  }

  private static <T> CloseableIterator<T> single(T item) {
    return new CloseableIterator<>() {
      boolean given;

      @Override
      public boolean hasNext() {
        return !given;
      }

      @Override
      public T next() {
        given = true;
        return item;
      }

      @Override
      public void close() {}
    };
  }
}
