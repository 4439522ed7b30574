package io.clusterlifecycle.spi.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link EventFilesTest}: appends batches of {@link EventFilesTest#batch}
 * to the event log of a home, with segments of a given size, and after each append adds a line
 * {@code <tag>/<n>} to an acknowledgement file. Creates {@code <tag>.ready} in the home once warmed
 * up and starts when the file {@code go} exists, so that it overlaps with the test's own appends.
 * Arguments: home, tag, number of batches ({@code 0}: until killed), segment size.
 */
public final class EventWriterMain {
  private EventWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    String tag = args[1];
    int batches = Integer.parseInt(args[2]);
    EventFiles log = EventFilesTest.log(LocalHome.open(home), Integer.parseInt(args[3]));
    log.segments();
    Files.writeString(home.resolve(tag + ".ready"), "");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(home.resolve("go")) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    Path acks = home.resolve(tag + ".acks");
    for (int n = 0; batches == 0 || n < batches; n++) {
      log.append(EventFilesTest.batch(tag, n));
      Files.writeString(
          acks,
          tag + "/" + n + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }
}
