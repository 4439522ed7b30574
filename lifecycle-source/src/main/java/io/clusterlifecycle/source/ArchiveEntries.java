package io.clusterlifecycle.source;

import io.clusterlifecycle.api.error.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Reads the regular files of a {@code .tgz} or {@code .zip} archive into memory, never onto disk.
 * Every entry's header is checked before any content is kept: the whole archive is refused when an
 * entry is absolute, escapes the root with {@code ..}, is a link or a device, or when the entries
 * number more than {@link Limits#MAX_ENTRIES} or declare more than {@link Limits#MAX_BYTES}; the
 * content read is bounded by the same limit.
 */
final class ArchiveEntries {

  /** One regular file of an archive: its normalised path (no {@code ./}, {@code /} separators). */
  record Entry(String path, byte[] data) {}

  private static final String LINK = "is a link; an app archive holds only files and directories";
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private final String subject;
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private int count;
  private long total;

  private ArchiveEntries(String subject) {
    this.subject = subject;
  }

  /**
   * Reads an archive, telling its kind from its first bytes.
   *
   * @param subject names the archive in errors
   * @param bytes the whole archive
   * @return the regular files, in archive order
   */
  static List<Entry> read(String subject, byte[] bytes) {
    ArchiveEntries reader = new ArchiveEntries(subject);
    try {
      if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        reader.readTgz(bytes);
      } else if (bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K') {
        reader.readZip(bytes);
      } else {
        throw Texts.invalid(subject, "not a .tgz, .tar.gz or .zip archive");
      }
    } catch (IOException e) {
      throw Texts.invalid(subject, "cannot read the archive: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw Texts.invalid(subject, "cannot read the archive: " + e.getCause().getMessage());
    }
    return reader.entries;
  }

  private void readTgz(byte[] bytes) throws IOException {
    // two passes: every header (name, kind, declared size) is checked before any content is kept
    scanTgz(bytes, false);
    count = 0;
    total = 0;
    scanTgz(bytes, true);
  }

  private void scanTgz(byte[] bytes, boolean keep) throws IOException {
    try (InputStream gz =
            GzipCompressorInputStream.builder()
                .setInputStream(new ByteArrayInputStream(bytes))
                .setDecompressConcatenated(true)
                .get();
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String path = check(entry.getName());
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw refuse(entry.getName(), LINK);
        }
        if (!entry.isDirectory() && !entry.isFile()) {
          throw refuse(entry.getName(), "is not a regular file; an app archive holds only files");
        }
        if (!keep) {
          declare(path, entry.getName(), entry.isDirectory(), entry.getSize());
        } else if (!entry.isDirectory()) {
          add(path, tar);
        }
      }
    }
  }

  private void readZip(byte[] bytes) throws IOException {
    try (ZipFile zip =
        ZipFile.builder()
            .setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes))
            .setIgnoreLocalFileHeader(false)
            .get()) {
      // every entry of the central directory is checked before any content is read
      List<ZipArchiveEntry> all = Collections.list(zip.getEntries());
      for (ZipArchiveEntry entry : all) {
        String path = check(entry.getName());
        if (entry.isUnixSymlink()) {
          throw refuse(entry.getName(), LINK);
        }
        declare(path, entry.getName(), entry.isDirectory(), Math.max(0, entry.getSize()));
      }
      count = 0;
      total = 0;
      for (ZipArchiveEntry entry : all) {
        String path = check(entry.getName());
        if (!entry.isDirectory()) {
          try (InputStream in = zip.getInputStream(entry)) {
            add(path, in);
          }
        }
      }
    }
  }

  /**
   * Counts an entry and the size its header declares, refusing the archive past the limits or at a
   * second file of the same path.
   */
  private void declare(String path, String name, boolean directory, long size) {
    countEntry();
    if (!directory && path.isEmpty()) {
      throw refuse(name, "names no file");
    }
    if (!directory && !seen.add(path)) {
      throw refuse(name, "appears twice in the archive");
    }
    total += size;
    if (total > Limits.MAX_BYTES) {
      throw overSize();
    }
  }

  private ValidationException overSize() {
    return Texts.invalid(
        subject,
        "the archive's files come to more than "
            + Limits.MAX_BYTES
            + " bytes (8 MiB), over the limit; an app archive holds a spec, scripts and"
            + " templates");
  }

  private void countEntry() {
    if (++count > Limits.MAX_ENTRIES) {
      throw Texts.invalid(
          subject,
          "the archive holds more than " + Limits.MAX_ENTRIES + " entries, over the limit");
    }
  }

  private void add(String path, InputStream in) throws IOException {
    countEntry();
    byte[] data = Texts.readAtMost(in, Limits.MAX_BYTES - total).orElseThrow(this::overSize);
    total += data.length;
    entries.add(new Entry(path, data));
  }

  /**
   * Checks an entry name and normalises it.
   *
   * @return the path without {@code ./} segments, empty segments or a trailing {@code /}
   */
  private String check(String name) {
    if (name.isEmpty()) {
      throw refuse(name, "has an empty name");
    }
    if (name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name).matches()) {
      throw refuse(name, "is an absolute path; entries must be relative to the archive's root");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw refuse(name, "escapes the archive's root with ..; entries must stay inside it");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }

  private RuntimeException refuse(String name, String reason) {
    return Texts.invalid(subject, "entry " + name, reason);
  }
}
