package io.tradelake.config;

/** Invalid or missing configuration: reported to the user as one line, before any data is touched. */
public class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}
