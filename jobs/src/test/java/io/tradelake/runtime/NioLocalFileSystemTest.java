package io.tradelake.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java.nio local file system keeps Hadoop's semantics where Delta and Spark rely on them. */
class NioLocalFileSystemTest {

  @TempDir java.nio.file.Path dir;
  Configuration conf;

  @BeforeEach
  void configure() {
    conf = new Configuration(false);
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
  }

  Path path(String name) {
    return new Path(dir.resolve(name).toUri());
  }

  @Test
  void directoriesAndFilesGetTheirPermissions() throws Exception {
    FileSystem fs = FileSystem.get(dir.toUri(), conf);
    assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
    assertThat(fs.mkdirs(path("a/b"), new FsPermission((short) 0750))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwxr-x---");
    fs.setPermission(path("a/b"), new FsPermission((short) 0705));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwx---r-x");
    try (var out = fs.create(path("a/b/f.txt"))) {
      out.write("x".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(fs.getFileStatus(path("a/b/f.txt")).getLen()).isEqualTo(1);
    assertThat(fs.exists(path("a/b/.f.txt.crc"))).as("checksum file").isTrue();
  }

  @Test
  void linkStatusTellsFilesFromLinksAndMissingPaths() throws Exception {
    FileSystem fs = FileSystem.get(dir.toUri(), conf);
    Files.writeString(dir.resolve("f.txt"), "abc");
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("f.txt"));

    FileStatus file = fs.getFileLinkStatus(path("f.txt"));
    assertThat(file.isSymlink()).isFalse();
    assertThat(file.getLen()).isEqualTo(3);
    // A link goes to Hadoop's own code (which reads it when the path has no scheme).
    FileStatus link = fs.getFileLinkStatus(new Path(dir.resolve("link").toString()));
    assertThat(link.isSymlink()).isTrue();
    assertThat(link.getSymlink().toUri().getPath()).isEqualTo(dir.resolve("f.txt").toString());
    assertThatThrownBy(() -> fs.getFileLinkStatus(path("missing"))).isInstanceOf(FileNotFoundException.class);
  }

  /** Delta's commit on a local disk: FileContext's rename without overwrite is what makes a commit exclusive. */
  @Test
  void fileContextRenamesWithoutOverwritingAsDeltaCommitsNeed() throws Exception {
    FileContext fc = FileContext.getFileContext(dir.toUri(), conf);
    Files.writeString(dir.resolve("tmp1"), "first");
    Files.writeString(dir.resolve("tmp2"), "second");
    fc.rename(path("tmp1"), path("00000.json"), Options.Rename.NONE);
    assertThatThrownBy(() -> fc.rename(path("tmp2"), path("00000.json"), Options.Rename.NONE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(dir.resolve("00000.json"))).isEqualTo("first");
    assertThat(fc.getFileLinkStatus(path("00000.json")).isSymlink()).isFalse();
    fc.mkdir(path("d"), new FsPermission((short) 0700), false);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d")))).isEqualTo("rwx------");
  }
}
