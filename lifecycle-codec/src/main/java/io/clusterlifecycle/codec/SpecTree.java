package io.clusterlifecycle.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A parsed spec document that remembers where every key and value stood, so that binding and
 * validation can report line and column. Parsing is Jackson's streaming parser; this only keeps the
 * locations that Jackson's tree model drops.
 */
final class SpecTree {
  /** Deep enough for any spec; shallow enough that a hostile file cannot exhaust the stack. */
  static final int MAX_NESTING_DEPTH = 32;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build();
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  // the builder does not apply the parser features' defaults: without this, "key:" with no value
  // would read as an empty string instead of YAML's null
  private static final YAMLFactory YAML =
      YAMLFactory.builder()
          .streamReadConstraints(CONSTRAINTS)
          .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
          .build();

  record Loc(int line, int column) {
    static Loc of(JsonLocation l) {
      return new Loc(Math.max(l.getLineNr(), 1), Math.max(l.getColumnNr(), 1));
    }

    ValidationProblem problem(String path, String reason) {
      return new ValidationProblem(path, reason, line, column);
    }
  }

  sealed interface Node permits MapNode, ListNode, ScalarNode {
    Loc loc();

    /** Describes the kind of value for "must be X, was Y" messages. */
    String kind();
  }

  record Field(String key, Loc keyLoc, Node value) {}

  record MapNode(Loc loc, Map<String, Field> fields) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  record ListNode(Loc loc, List<Node> items) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar: {@code value} is a String, Boolean, Number (Long, BigInteger, Double…) or null. */
  record ScalarNode(Loc loc, JsonToken token, Object value, String text) implements Node {
    @Override
    public String kind() {
      return switch (token) {
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT -> "a whole number";
        case VALUE_NUMBER_FLOAT -> "a decimal number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> "null";
      };
    }

    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  private final List<ValidationProblem> problems;
  private final SpecFormat format;

  private SpecTree(SpecFormat format, List<ValidationProblem> problems) {
    this.format = format;
    this.problems = problems;
  }

  /**
   * Parses one document. Syntax errors, duplicate keys and YAML aliases are added to {@code
   * problems}; a syntax error ends parsing and yields null.
   */
  static Node parse(String content, SpecFormat format, List<ValidationProblem> problems) {
    SpecTree tree = new SpecTree(format, problems);
    try (JsonParser p = (format == SpecFormat.JSON ? JSON : YAML).createParser(content)) {
      if (p.nextToken() == null) {
        problems.add(
            ValidationProblem.of(
                ValidationProblem.ROOT,
                "the file is empty; it must hold an app spec with at least name, version and roles"));
        return null;
      }
      Node root = tree.read(p, "");
      if (p.nextToken() != null) {
        problems.add(
            Loc.of(p.currentTokenLocation())
                .problem(
                    ValidationProblem.ROOT,
                    format == SpecFormat.JSON
                        ? "unexpected content after the end of the JSON document"
                        : "the file holds more than one YAML document; put one app spec per file"));
      }
      return root;
    } catch (JsonProcessingException e) {
      problems.add(syntaxProblem(e, format));
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string cannot fail", e);
    }
  }

  /**
   * Describes a syntax error. For YAML, SnakeYAML's own context and problem say far more than the
   * first line of Jackson's message, and its problem mark is where the error is, whereas Jackson's
   * location is that of the last token it read.
   */
  private static ValidationProblem syntaxProblem(JsonProcessingException e, SpecFormat format) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
      Mark at = m.getContextMark();
      String context =
          m.getContext() == null
              ? ""
              : m.getContext()
                  + (at == null
                      ? ""
                      : " (started at line "
                          + (at.getLine() + 1)
                          + ", column "
                          + (at.getColumn() + 1)
                          + ")")
                  + ": ";
      String reason = "malformed YAML: " + context + m.getProblem();
      Mark problem = m.getProblemMark();
      return problem == null
          ? ValidationProblem.of(ValidationProblem.ROOT, reason)
          : new ValidationProblem(
              ValidationProblem.ROOT, reason, problem.getLine() + 1, problem.getColumn() + 1);
    }
    JsonLocation l = e.getLocation();
    String reason = "malformed " + format + ": " + firstLine(e.getOriginalMessage());
    return l == null || l.getLineNr() < 1
        ? ValidationProblem.of(ValidationProblem.ROOT, reason)
        : Loc.of(l).problem(ValidationProblem.ROOT, reason);
  }

  private static String firstLine(String message) {
    String m = message == null ? "syntax error" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  private Node read(JsonParser p, String path) throws IOException {
    Loc loc = Loc.of(p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Field> fields = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            Loc keyLoc = Loc.of(p.currentTokenLocation());
            p.nextToken();
            String child = path.isEmpty() ? key : path + "." + key;
            Node value = read(p, child);
            if (fields.containsKey(key)) {
              problems.add(
                  keyLoc.problem(
                      child,
                      "duplicate key '"
                          + key
                          + "' (first at line "
                          + fields.get(key).keyLoc().line()
                          + "); keep only one"));
            } else {
              fields.put(key, new Field(key, keyLoc, value));
            }
          }
          return new MapNode(loc, fields);
        }
      case START_ARRAY:
        {
          List<Node> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(p, path + "[" + items.size() + "]"));
          }
          return new ListNode(loc, items);
        }
      default:
        {
          if (format == SpecFormat.YAML && ((YAMLParser) p).isCurrentAlias()) {
            problems.add(
                loc.problem(
                    path.isEmpty() ? ValidationProblem.ROOT : path,
                    "YAML aliases (*" + p.getText() + ") are not supported; write the value out"));
          }
          Object value =
              switch (t) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> null;
              };
          return new ScalarNode(loc, t, value, t == JsonToken.VALUE_NULL ? null : p.getText());
        }
    }
  }
}
