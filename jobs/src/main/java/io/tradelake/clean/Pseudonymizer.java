package io.tradelake.clean;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.apache.spark.sql.Column;

/**
 * Keyed pseudonyms: HMAC-SHA256 (RFC 2104) of a value, as 64 hex digits, built from Spark's own sha2 so
 * it runs as a column expression. The key's inner and outer pads are computed once, here on the driver.
 */
public final class Pseudonymizer {

  private static final int BLOCK = 64;
  private final byte[] innerPad;
  private final byte[] outerPad;

  public Pseudonymizer(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (k.length > BLOCK) {
      k = sha256(k);
    }
    k = Arrays.copyOf(k, BLOCK);
    innerPad = new byte[BLOCK];
    outerPad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      innerPad[i] = (byte) (k[i] ^ 0x36);
      outerPad[i] = (byte) (k[i] ^ 0x5c);
    }
  }

  /** HMAC-SHA256 of the value's UTF-8 bytes in lower-case hex; null stays null. */
  public Column pseudonym(Column value) {
    Column inner = unhex(sha2(concat(lit(innerPad), value.cast("binary")), 256));
    return when(value.isNotNull(), sha2(concat(lit(outerPad), inner), 256));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
