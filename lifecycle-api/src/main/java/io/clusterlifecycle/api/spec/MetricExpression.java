package io.clusterlifecycle.api.spec;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The condition of an elasticity policy (docs/design.md §6.14), such as {@code CPU > 80 && QUEUE >
 * 10}: comparisons ({@code > >= < <= == !=}) between metric names and numbers, joined by {@code
 * &&}, {@code ||} and {@code !}, with parentheses. Metric names are {@code [A-Za-z_][A-Za-z0-9_]*};
 * numbers are decimals. Immutable and thread-safe; equal when their texts are equal.
 */
public final class MetricExpression {
  private final String text;
  private final Node root;
  private final Set<String> metrics;

  private MetricExpression(String text, Node root, Set<String> metrics) {
    this.text = text;
    this.root = root;
    this.metrics = Collections.unmodifiableSet(metrics);
  }

  /**
   * Parses an expression.
   *
   * @param text the expression
   * @return the parsed expression
   * @throws IllegalArgumentException if the text is not a valid expression; the message names the
   *     character position and what was expected there
   * @throws NullPointerException if {@code text} is null
   */
  public static MetricExpression parse(String text) {
    Objects.requireNonNull(text, "text");
    Parser p = new Parser(text);
    Node root = p.expression();
    p.skipSpaces();
    if (p.pos < text.length()) {
      throw p.error("an operator (&&, ||) or the end");
    }
    return new MetricExpression(text, root, p.metrics);
  }

  /**
   * The expression as written.
   *
   * @return the text
   */
  public String text() {
    return text;
  }

  /**
   * The metric names the expression reads, in the order they first appear.
   *
   * @return an unmodifiable set
   */
  public Set<String> metrics() {
    return metrics;
  }

  /**
   * Evaluates the expression.
   *
   * @param values a value for every metric in {@link #metrics()}
   * @return whether the condition holds
   * @throws NoSuchElementException naming the first metric {@code values} lacks
   */
  public boolean test(Map<String, Double> values) {
    return root.test(values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetricExpression e && e.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  private interface Node {
    boolean test(Map<String, Double> values);
  }

  private interface Operand {
    double value(Map<String, Double> values);
  }

  private static final class Parser {
    private final String s;
    private final Set<String> metrics = new LinkedHashSet<>();
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Node expression() {
      Node left = conjunction();
      while (take("||") || take("|")) {
        Node l = left;
        Node r = conjunction();
        left = v -> l.test(v) || r.test(v);
      }
      return left;
    }

    private Node conjunction() {
      Node left = unary();
      while (take("&&") || take("&")) {
        Node l = left;
        Node r = unary();
        left = v -> l.test(v) && r.test(v);
      }
      return left;
    }

    private Node unary() {
      skipSpaces();
      if (peek('!') && !s.startsWith("!=", pos)) {
        pos++;
        Node inner = unary();
        return v -> !inner.test(v);
      }
      if (take("(")) {
        Node inner = expression();
        if (!take(")")) {
          throw error("')'");
        }
        return inner;
      }
      return comparison();
    }

    private Node comparison() {
      Operand left = operand();
      skipSpaces();
      String op = null;
      for (String candidate : new String[] {">=", "<=", "==", "!=", ">", "<", "="}) {
        if (s.startsWith(candidate, pos)) {
          op = candidate;
          pos += candidate.length();
          break;
        }
      }
      if (op == null) {
        throw error("a comparison (>, >=, <, <=, ==, !=)");
      }
      Operand right = operand();
      return switch (op) {
        case ">=" -> v -> left.value(v) >= right.value(v);
        case "<=" -> v -> left.value(v) <= right.value(v);
        case "==", "=" -> v -> left.value(v) == right.value(v);
        case "!=" -> v -> left.value(v) != right.value(v);
        case ">" -> v -> left.value(v) > right.value(v);
        default -> v -> left.value(v) < right.value(v);
      };
    }

    private Operand operand() {
      skipSpaces();
      int start = pos;
      if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
        while (pos < s.length()
            && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')
            && s.charAt(pos) < 128) {
          pos++;
        }
        String name = s.substring(start, pos);
        metrics.add(name);
        return v -> {
          Double value = v.get(name);
          if (value == null) {
            throw new NoSuchElementException("no value for metric " + name);
          }
          return value;
        };
      }
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      int digits = pos;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      String number = s.substring(start, pos);
      if (pos == digits) {
        pos = start;
        throw error("a metric name or a number");
      }
      double value;
      try {
        value = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        pos = start;
        throw error("a number, not '" + number + "'");
      }
      return v -> value;
    }

    void skipSpaces() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private boolean take(String token) {
      skipSpaces();
      if (s.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    IllegalArgumentException error(String expected) {
      String found = pos < s.length() ? "'" + s.charAt(pos) + "'" : "the end";
      return new IllegalArgumentException(
          "expected "
              + expected
              + " at character "
              + (pos + 1)
              + " of '"
              + s
              + "', found "
              + found);
    }
  }
}
