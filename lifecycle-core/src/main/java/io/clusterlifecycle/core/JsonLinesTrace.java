package io.clusterlifecycle.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes events as JSON lines (docs/design.md §8): one object per event, in order, each line
 * written and flushed when its event happens, fields that do not apply left out. Appends to the
 * file, so several runs can share one trace. Thread-safe; close it when done.
 */
public final class JsonLinesTrace implements EventListener, AutoCloseable {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_ABSENT)
          .addMixIn(io.clusterlifecycle.api.event.LifecycleEvent.class, EventMixIn.class);

  /** A command that reported no results has no {@code results} key in its line. */
  private abstract static class EventMixIn {
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    abstract java.util.Map<String, String> results();
  }

  private final OutputStream out;

  private JsonLinesTrace(OutputStream out) {
    this.out = out;
  }

  /**
   * Opens a trace file for appending, creating it and its directory if needed.
   *
   * @param file the trace file; lines are added after any it already holds
   * @return the trace, open until {@link #close()}
   * @throws UncheckedIOException if the file or its directory cannot be created or opened
   */
  public static JsonLinesTrace append(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      return new JsonLinesTrace(
          Files.newOutputStream(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open trace file " + file, e);
    }
  }

  /**
   * Renders one event as the JSON object of its trace line.
   *
   * @param event the event to render
   * @return the JSON text, without a line break: the event's fields in snake_case, those without a
   *     value left out, and {@code ts} in the records' time format
   */
  public static String line(LifecycleEvent event) {
    ObjectNode o = MAPPER.valueToTree(event);
    o.put("ts", RecordCodec.formatTime(event.ts()));
    return o.toString();
  }

  /**
   * Writes the event's line, followed by a line break, and flushes it to the file before returning.
   * Calls from several threads are serialised, so lines never interleave.
   *
   * @param event the event to write
   * @throws UncheckedIOException if the line cannot be written
   */
  @Override
  public synchronized void onEvent(LifecycleEvent event) {
    try {
      out.write((line(event) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write trace line", e);
    }
  }

  /**
   * Closes the file. Events received afterwards fail with {@link UncheckedIOException}.
   *
   * @throws LifecycleException if the file cannot be closed
   */
  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new LifecycleException("cannot close trace file", e);
    }
  }
}
