package io.clusterlifecycle.core.internal.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.spi.CommandResult;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads what a command reported through the files named by {@code LC_RESULT} and {@code LC_STATUS}
 * (docs/design.md §9.3.1). A report that breaks the format is refused with a message that says what
 * to change; the caller fails the step with it.
 */
public final class ScriptReports {
  /** What a result key may look like. */
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  /** A line break of a report file. */
  private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");

  /** Most keys one result may hold. */
  static final int MAX_KEYS = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScriptReports() {}

  /**
   * The results of a {@code LC_RESULT} file: a JSON object (string, number and boolean values as
   * their text, {@code null} as an empty text, arrays and objects as their JSON text) or {@code
   * key=value} lines (blank lines and lines starting with {@code #} skipped, a later key replacing
   * an earlier one).
   *
   * @throws IllegalArgumentException if the text is too long, not a JSON object while it starts
   *     with {@code {}, holds a line without {@code =}, a key of another shape or too many keys
   */
  static Map<String, String> results(String text) {
    checkLength(text, "LC_RESULT");
    String trimmed = text.strip();
    Map<String, String> out = new LinkedHashMap<>();
    if (trimmed.isEmpty()) {
      return out;
    }
    if (trimmed.startsWith("{")) {
      JsonNode tree;
      try {
        tree = JSON.readTree(trimmed);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "the LC_RESULT file starts with '{' but is not a JSON object: "
                + e.getOriginalMessage());
      }
      if (!tree.isObject()) {
        throw new IllegalArgumentException("the LC_RESULT file is not a JSON object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode v = f.getValue();
        put(
            out,
            f.getKey(),
            v.isValueNode() && !v.isNull() ? v.asText() : v.isNull() ? "" : v.toString());
      }
      return out;
    }
    String[] lines = LINE_BREAK.split(trimmed);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "line "
                + (i + 1)
                + " of the LC_RESULT file is not key=value (write one key=value per line, or a"
                + " JSON object)");
      }
      put(out, line.substring(0, eq).strip(), line.substring(eq + 1));
    }
    return out;
  }

  /**
   * The workload status of a {@code LC_STATUS} file: its first non-blank line, {@code <state>
   * [message]}.
   *
   * @param at when the engine read it
   * @return the status, or empty when the file was empty or missing
   * @throws IllegalArgumentException if the text is too long or the state is not one of {@code
   *     active}, {@code maintenance}, {@code waiting}, {@code blocked}
   */
  static Optional<WorkloadStatus> status(String text, Instant at) {
    checkLength(text, "LC_STATUS");
    if (text.isBlank()) {
      return Optional.empty();
    }
    for (String raw : LINE_BREAK.split(text)) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      int space = line.indexOf(' ');
      String state = space < 0 ? line : line.substring(0, space);
      String message = space < 0 ? "" : line.substring(space + 1).strip();
      try {
        return Optional.of(new WorkloadStatus(WorkloadStatus.State.parse(state), message, at));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the LC_STATUS file names an " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code NODE_STATUS} event of a node whose scripts reported {@code status}: from the state
   * {@code before} held, if any, to the new one.
   */
  public static LifecycleEvent.Builder statusEvent(Node before, WorkloadStatus status) {
    LifecycleEvent.Builder e =
        LifecycleEvent.builder(EventType.NODE_STATUS)
            .node(before.role(), before.id())
            .message(status.message());
    return before.workload().isPresent()
        ? e.transition(before.workload().get().state(), status.state())
        : e.to(status.state());
  }

  private static void put(Map<String, String> out, String key, String value) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "the LC_RESULT key '"
              + abbreviate(key)
              + "' is not 1 to 128 letters, digits, '_', '.' or '-'");
    }
    out.put(key, value);
    if (out.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          "the LC_RESULT file holds more than " + MAX_KEYS + " keys");
    }
  }

  private static void checkLength(String text, String file) {
    if (text.length() > CommandResult.MAX_REPORT) {
      throw new IllegalArgumentException(
          "the "
              + file
              + " file holds more than "
              + CommandResult.MAX_REPORT
              + " characters; keep reports short and put bulk data elsewhere");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
