package io.clusterlifecycle.spi.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two fixed remote commands of the executor, {@code run.sh} and {@code kill.sh} (resources
 * beside this class), and the framing of the request they read from standard input. The command
 * line sent to the host is always one of the two constants: nothing of a request is ever part of it
 * (docs/design.md §9.3).
 */
final class RemoteScripts {
  /** The version field every request starts with. */
  static final String VERSION = "lcssh1";

  /** The remote command that runs one service command. */
  static final String RUN = command("run.sh");

  /** The remote command that kills runs by token or by run key. */
  static final String KILL = command("kill.sh");

  private RemoteScripts() {}

  /**
   * Frames request fields for the scripts: each field's UTF-8 bytes followed by a NUL byte.
   *
   * @param fields the fields, none holding a NUL character
   * @return the bytes to write to the remote command's standard input
   * @throws IllegalArgumentException if a field holds a NUL character
   */
  static byte[] frame(List<String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String f : fields) {
      if (f.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("a NUL character cannot be passed to a remote command");
      }
      out.writeBytes(f.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return out.toByteArray();
  }

  /** {@code bash -c '<script>' lifecycle-ssh}, the script quoted for a POSIX login shell. */
  private static String command(String resource) {
    try (InputStream in = RemoteScripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the jar");
      }
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return "bash -c '" + script.replace("'", "'\\''") + "' lifecycle-ssh";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
