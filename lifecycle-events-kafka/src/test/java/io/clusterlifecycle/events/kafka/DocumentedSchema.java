package io.clusterlifecycle.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message schemas as docs/kafka.md documents them: the table under the heading that names the
 * schema, one row per field with its type and whether it is always present. Tests check the
 * published JSON against it, so the document and the code cannot drift apart.
 */
final class DocumentedSchema {
  private static final Path DOC = Path.of("..", "docs", "kafka.md");

  /** A documented field. */
  record Field(String name, String type, boolean always) {}

  private final String schema;
  private final Map<String, Field> fields;

  private DocumentedSchema(String schema, Map<String, Field> fields) {
    this.schema = schema;
    this.fields = fields;
  }

  /** Reads the table of one schema, such as {@code lifecycle.event/1}. */
  static DocumentedSchema of(String schema) {
    List<String> lines;
    try {
      lines = Files.readAllLines(DOC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DOC.toAbsolutePath(), e);
    }
    int i = 0;
    while (i < lines.size()
        && !(lines.get(i).startsWith("#") && lines.get(i).contains("`" + schema + "`"))) {
      i++;
    }
    if (i == lines.size()) {
      throw new IllegalStateException(DOC + " has no heading naming `" + schema + "`");
    }
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    List<String> rows = new ArrayList<>();
    while (i < lines.size() && lines.get(i).startsWith("|")) {
      rows.add(lines.get(i));
      i++;
    }
    Map<String, Field> fields = new LinkedHashMap<>();
    // the header and the separator row come first
    for (String row : rows.subList(2, rows.size())) {
      String[] cells = row.split("\\|", -1);
      String name = cells[1].trim().replace("`", "");
      String type = cells[2].trim();
      boolean always = cells[3].trim().equals("always");
      fields.put(name, new Field(name, type, always));
    }
    return new DocumentedSchema(schema, fields);
  }

  Map<String, Field> fields() {
    return fields;
  }

  /** Checks that a message uses documented fields only, with their types, and every "always". */
  void check(JsonNode message) {
    List<String> names = new ArrayList<>();
    message.properties().forEach(e -> names.add(e.getKey()));
    assertThat(names).as("the fields of %s", message).isSubsetOf(fields.keySet());
    assertThat(names)
        .as("the fields %s always has, in %s", schema, message)
        .containsAll(fields.values().stream().filter(Field::always).map(Field::name).toList());
    assertThat(message.path("schema").asText()).isEqualTo(schema);
    for (String name : names) {
      JsonNode value = message.get(name);
      String type = fields.get(name).type();
      switch (type) {
        case "string" -> assertThat(value.isTextual()).as("%s is a string", name).isTrue();
        case "integer" ->
            assertThat(value.isIntegralNumber()).as("%s is an integer", name).isTrue();
        case "object" -> assertThat(value.isObject()).as("%s is an object", name).isTrue();
        case "timestamp" -> {
          assertThat(value.isTextual()).as("%s is a string", name).isTrue();
          assertThat(value.asText()).as("%s is in UTC", name).endsWith("Z");
          assertThat(Instant.parse(value.asText())).isNotNull();
        }
        default -> throw new IllegalStateException("undocumented type " + type + " of " + name);
      }
    }
  }
}
