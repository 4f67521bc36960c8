package io.tradelake.generate;

import java.io.Serializable;

/** A written file: its path under the output root, lines (header included), bytes on disk. A Spark bean. */
public class FileStat implements Serializable {

  private String path;
  private String layout;
  private long lines;
  private long bytes;
  private boolean gzip;
  private boolean bom;
  private boolean misrouted;
  private boolean truncated;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public String getLayout() {
    return layout;
  }

  public void setLayout(String layout) {
    this.layout = layout;
  }

  public long getLines() {
    return lines;
  }

  public void setLines(long lines) {
    this.lines = lines;
  }

  public long getBytes() {
    return bytes;
  }

  public void setBytes(long bytes) {
    this.bytes = bytes;
  }

  public boolean isGzip() {
    return gzip;
  }

  public void setGzip(boolean gzip) {
    this.gzip = gzip;
  }

  public boolean isBom() {
    return bom;
  }

  public void setBom(boolean bom) {
    this.bom = bom;
  }

  public boolean isMisrouted() {
    return misrouted;
  }

  public void setMisrouted(boolean misrouted) {
    this.misrouted = misrouted;
  }

  public boolean isTruncated() {
    return truncated;
  }

  public void setTruncated(boolean truncated) {
    this.truncated = truncated;
  }
}
