package io.tradelake.config;

import org.slf4j.LoggerFactory;

/**
 * The key buyer ids are pseudonymised with: the environment variable named by {@code privacy.key-env}, or
 * the environment's fixed development key where it has one (conf/local.conf does). Only the stage that
 * pseudonymises (clean) needs it, so a command that only reads the warehouse (status, sql, docs) runs
 * without the secret; a run that cleans asks for it before it starts any work.
 */
public final class PseudonymKey {

  private final String variable;
  private final String fromEnv;
  private final String devKey;
  private boolean warned;

  PseudonymKey(String variable, String fromEnv, String devKey) {
    this.variable = variable;
    this.fromEnv = fromEnv;
    this.devKey = devKey;
  }

  /** The key; a development key is named once at WARN. */
  public synchronized String value() {
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    if (!devKey.isBlank()) {
      if (!warned) {
        LoggerFactory.getLogger(PseudonymKey.class).warn(
            "{} is not set: buyer ids are pseudonymised with this environment's fixed development key", variable);
        warned = true;
      }
      return devKey;
    }
    throw new SettingsException("environment variable " + variable + " is not set: it holds the key buyer ids are "
        + "pseudonymised with (only the local env has a development key)");
  }

  /** Where the key comes from, without it: for {@code tradelake config}. */
  public String source() {
    if (fromEnv != null && !fromEnv.isBlank()) {
      return "from the environment variable " + variable;
    }
    return devKey.isBlank()
        ? variable + " is not set, and this environment has no development key: clean and run stop until it is"
        : variable + " is not set: this environment's fixed development key is used";
  }

  @Override
  public String toString() {
    return "****";
  }
}
