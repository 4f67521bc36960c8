package io.tradelake.config;

/** Where a canonical field comes from in a source layout: a column, a constant, or a SQL expression. */
public record FieldSource(Kind kind, String value) {

  public enum Kind { COLUMN, CONSTANT, EXPRESSION }

  /** The field as a Spark SQL expression over the layout's source columns. */
  public String toSql() {
    return switch (kind) {
      case COLUMN -> "`" + value.replace("`", "``") + "`";
      case CONSTANT -> "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
      case EXPRESSION -> value;
    };
  }
}
