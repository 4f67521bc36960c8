package io.tradelake.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}) with permissions set and symbolic links read through java.nio.
 *
 * <p>Without Hadoop's native library (Spark's distribution has none), {@link RawLocalFileSystem} starts a process
 * for each {@code chmod} (every created directory and file) and each {@code readlink} (four per Delta commit, by
 * the renames of the commit file and its checksum): about 1,200 processes for one run on data-sample/, each a
 * fork of the JVM, 3-4 ms apiece. With the native library present, Hadoop's own code runs. Chosen in
 * conf/local.conf by {@code spark.hadoop.fs.file.impl} (and {@link NioLocalFs} for the FileContext API).
 */
public class NioLocalFileSystem extends LocalFileSystem {

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) file system underneath, also used by {@link NioLocalFs}. */
  static final class Raw extends RawLocalFileSystem {

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (NativeIO.isAvailable() || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      // FsPermission prints as "rwxr-x---", the form java.nio reads.
      Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
    }

    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (NativeIO.isAvailable() || Files.isSymbolicLink(pathToFile(f).toPath())) {
        return super.getFileLinkStatus(f);
      }
      return getFileStatus(f); // not a link: its own status, or FileNotFoundException, as Hadoop's code gives
    }
  }
}
