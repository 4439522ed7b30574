package io.clusterlifecycle.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds test archives in memory. */
final class Archives {

  /** A minimal valid spec of {@code zookeeper} at {@code version}. */
  static String spec(String name, String version) {
    return """
        name: %s
        version: %s
        roles:
          - role: zk
            count: 1
            cpu: 1
            memory: 512
            services:
              start: {cmd: "true"}
        """
        .formatted(name, version);
  }

  /** The files of a zookeeper app: spec, a template and a script, under {@code prefix}. */
  static Map<String, String> app(String prefix, String version) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(prefix + "app.yaml", spec("zookeeper", version));
    files.put(prefix + "templates/zoo.cfg.tpl", "tickTime=2000\n");
    files.put(prefix + "scripts/start.sh", "#!/bin/sh\nexec zkServer.sh start\n");
    return files;
  }

  /** A gzipped tar of the files, in order, with directory entries for their parents. */
  static byte[] tgz(Map<String, String> files) {
    return tgz(files, null, null);
  }

  /** A gzipped tar of the files plus one symbolic link entry when {@code link} is not null. */
  static byte[] tgz(Map<String, String> files, String link, String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey(), true);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
      }
      if (link != null) {
        TarArchiveEntry entry = new TarArchiveEntry(link, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A zip of the files, written with java.util.zip. */
  static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A zip of the files plus one entry marked as a Unix symbolic link. */
  static byte[] zipWithLink(Map<String, String> files, String link, String target) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        zip.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
      ZipArchiveEntry entry = new ZipArchiveEntry(link);
      entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
      zip.putArchiveEntry(entry);
      zip.write(target.getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Archives() {}
}
