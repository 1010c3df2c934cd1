package org.deepline.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes artifact files (feature models, networks, reports) through Hadoop's FileSystem, so
 * that a warehouse on a local path, {@code hdfs://} or {@code s3a://} is handled by one code path.
 *
 * <p>Writes go to a temporary sibling that is renamed into place (on object stores, one PUT), so a
 * reader never sees half a file.
 */
public final class FileStore {
  private static final java.util.Set<String> OBJECT_STORES = java.util.Set.of("s3a", "s3", "gs",
      "wasb", "wasbs", "abfs", "abfss", "oss");

  private final Configuration hadoopConf;

  public FileStore(Configuration hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  public void writeBytes(String uri, byte[] bytes) {
    Path target = new Path(uri);
    try {
      FileSystem fs = target.getFileSystem(hadoopConf);
      if (OBJECT_STORES.contains(fs.getScheme())) {
        // An object PUT is atomic, while a rename there is a copy and a delete that can fail halfway.
        try (OutputStream out = fs.create(target, true)) {
          out.write(bytes);
        }
        return;
      }
      Path staging = new Path(target.getParent(),
          "." + target.getName() + "." + java.util.UUID.randomUUID() + ".inprogress");
      try (OutputStream out = fs.create(staging, true)) {
        out.write(bytes);
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(staging, target)) {
        throw new IOException("rename of " + staging + " to " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + uri, e);
    }
  }

  public void writeText(String uri, String text) {
    writeBytes(uri, text.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] readBytes(String uri) {
    Path source = new Path(uri);
    try {
      FileSystem fs = source.getFileSystem(hadoopConf);
      if (!fs.exists(source)) {
        throw new DeeplineException("file not found: " + uri);
      }
      try (InputStream in = fs.open(source)) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toByteArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri, e);
    }
  }

  public String readText(String uri) {
    return new String(readBytes(uri), StandardCharsets.UTF_8);
  }

  public boolean exists(String uri) {
    Path path = new Path(uri);
    try {
      return path.getFileSystem(hadoopConf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + uri, e);
    }
  }

  public void deleteRecursively(String uri) {
    Path path = new Path(uri);
    try {
      path.getFileSystem(hadoopConf).delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + uri, e);
    }
  }
}
