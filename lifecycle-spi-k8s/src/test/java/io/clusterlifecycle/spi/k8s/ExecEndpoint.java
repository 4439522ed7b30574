package io.clusterlifecycle.spi.k8s;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pod exec endpoint for the mock API server that speaks Kubernetes' exec WebSocket protocol
 * ({@code v4.channel.k8s.io}: channel 0 standard input, 1 standard output, 2 standard error, 3 the
 * exit status as a Status) and runs the received argument vector as a local process, in a working
 * directory of the pod's own. A pod's processes share this machine's process namespace, as a
 * container's share the container's.
 *
 * <p>Like a kubelet, it leaves a command running when its client goes away: only a signal (sent by
 * another command) stops it.
 */
final class ExecEndpoint implements AutoCloseable {
  private static final Pattern EXEC =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/exec\\?(.*)");

  private final Path podRoot;
  private final List<List<String>> received = new CopyOnWriteArrayList<>();
  private final Set<Process> processes = ConcurrentHashMap.newKeySet();

  ExecEndpoint(Path podRoot) {
    this.podRoot = podRoot;
  }

  boolean handles(RecordedRequest request) {
    return EXEC.matcher(request.getPath()).matches();
  }

  /** Every argument vector received, in order. */
  List<List<String>> received() {
    return received;
  }

  /** The working directory of a pod's commands. */
  Path podDirectory(String pod) {
    Path dir = podRoot.resolve(pod);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  MockResponse upgrade(RecordedRequest request) {
    Matcher m = EXEC.matcher(request.getPath());
    if (!m.matches()) {
      throw new IllegalArgumentException(request.getPath());
    }
    String pod = m.group(2);
    List<String> argv = new ArrayList<>();
    boolean stdin = false;
    for (String param : m.group(3).split("&")) {
      int eq = param.indexOf('=');
      String key = param.substring(0, eq);
      String value = URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
      if (key.equals("command")) {
        argv.add(value);
      } else if (key.equals("stdin")) {
        stdin = Boolean.parseBoolean(value);
      }
    }
    received.add(List.copyOf(argv));
    return new MockResponse().withWebSocketUpgrade(new Session(pod, argv, stdin));
  }

  @Override
  public void close() {
    processes.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    processes.forEach(Process::destroyForcibly);
  }

  /** One exec: a local process whose streams travel over the WebSocket. */
  private final class Session extends WebSocketListener {
    private final String pod;
    private final List<String> argv;
    private final boolean stdin;
    private volatile Process process;

    Session(String pod, List<String> argv, boolean stdin) {
      this.pod = pod;
      this.argv = argv;
      this.stdin = stdin;
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      try {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(podDirectory(pod).toFile());
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        env.put("HOME", podDirectory(pod).toString());
        env.put("LC_BACKUP_ID", "inherited-from-the-container");
        process = pb.start();
        processes.add(process);
      } catch (IOException e) {
        send(ws, 3, status(126, e.getMessage()));
        ws.close(1000, "");
        return;
      }
      if (!stdin) {
        closeQuietly(process.getOutputStream());
      }
      Thread out = pump(process.getInputStream(), 1, ws);
      Thread err = pump(process.getErrorStream(), 2, ws);
      var unused =
          process
              .onExit()
              .thenRun(
                  () -> {
                    try {
                      out.join();
                      err.join();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    processes.remove(process);
                    int code = process.exitValue();
                    send(ws, 3, code == 0 ? "{\"status\":\"Success\"}" : status(code, null));
                    ws.close(1000, "");
                  });
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      Process p = process;
      if (p == null || bytes.length == 0 || bytes[0] != 0) {
        return;
      }
      try {
        OutputStream in = p.getOutputStream();
        in.write(bytes, 1, bytes.length - 1);
        in.flush();
      } catch (IOException e) {
        // the process no longer reads its input
      }
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      Process p = process;
      if (p != null) {
        closeQuietly(p.getOutputStream());
      }
    }

    private Thread pump(InputStream from, int channel, WebSocket ws) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  for (int n; (n = from.read(buffer)) > 0; ) {
                    byte[] frame = new byte[n + 1];
                    frame[0] = (byte) channel;
                    System.arraycopy(buffer, 0, frame, 1, n);
                    ws.send(frame);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "test-exec-" + pod + "-" + channel);
      t.setDaemon(true);
      t.start();
      return t;
    }

    private void send(WebSocket ws, int channel, String text) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[body.length + 1];
      frame[0] = (byte) channel;
      System.arraycopy(body, 0, frame, 1, body.length);
      ws.send(frame);
    }

    private String status(int code, String message) {
      return "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"message\":\""
          + (message == null ? "command terminated with non-zero exit code" : message)
          + "\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
          + code
          + "\"}]}}";
    }

    private void closeQuietly(OutputStream s) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
