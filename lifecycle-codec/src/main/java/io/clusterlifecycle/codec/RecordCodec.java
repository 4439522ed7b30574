package io.clusterlifecycle.codec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.NodeActionStep;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ReloadDependentStep;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.ResizeNodeStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.spec.AppSpec;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of the engine's records (clusters, operations, plans, events), for stores that keep
 * documents and for traces. Keys are snake_case; times are UTC ISO-8601 with milliseconds; an app
 * spec is written in the spec file format; a plan step carries its kind in a {@code kind} property.
 * Records written by earlier versions read back. Thread-safe.
 */
public final class RecordCodec {
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * The names under which plan steps are stored, in their {@code kind} property. The names are part
   * of the stored format: never rename one.
   */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = CreateNodeStep.class, name = "create_node"),
    @JsonSubTypes.Type(value = DeleteNodeStep.class, name = "delete_node"),
    @JsonSubTypes.Type(value = ServiceStep.class, name = "service"),
    @JsonSubTypes.Type(value = PreCheckStep.class, name = "pre_check"),
    @JsonSubTypes.Type(value = MetadataStep.class, name = "metadata"),
    @JsonSubTypes.Type(value = ResizeNodeStep.class, name = "resize_node"),
    @JsonSubTypes.Type(value = ReplaceImageStep.class, name = "replace_image"),
    @JsonSubTypes.Type(value = StopNodeStep.class, name = "stop_node"),
    @JsonSubTypes.Type(value = StartNodeStep.class, name = "start_node"),
    @JsonSubTypes.Type(value = WaitStep.class, name = "wait"),
    @JsonSubTypes.Type(value = ReloadDependentStep.class, name = "reload_dependent"),
    @JsonSubTypes.Type(value = NodeActionStep.class, name = "node_action")
  })
  private interface StepMixIn {}

  /** {@code Resources.isZero()} is derived, not a field of the record. */
  private abstract static class ResourcesMixIn {
    @com.fasterxml.jackson.annotation.JsonIgnore
    abstract boolean isZero();
  }

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .addMixIn(Step.class, StepMixIn.class)
          .addMixIn(io.clusterlifecycle.api.plan.Resources.class, ResourcesMixIn.class)
          .registerModule(new Jdk8Module())
          .registerModule(new JavaTimeModule())
          .registerModule(
              new SimpleModule("lifecycle")
                  .addSerializer(
                      Instant.class,
                      new JsonSerializer<>() {
                        @Override
                        public void serialize(
                            Instant value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                          gen.writeString(MILLIS.format(value));
                        }
                      })
                  .addSerializer(
                      AppSpec.class,
                      new JsonSerializer<>() {
                        @Override
                        public void serialize(
                            AppSpec value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                          gen.writeTree(SPECS.rendered(value, RecordCodec::renderSpec));
                        }
                      })
                  .setSerializerModifier(new EmptyTextAsBlank())
                  .addDeserializer(
                      AppSpec.class,
                      new JsonDeserializer<>() {
                        @Override
                        public AppSpec deserialize(JsonParser p, DeserializationContext ctxt)
                            throws IOException {
                          return SPECS.parsed(
                              p.readValueAsTree().toString(), AppSpecFiles::parseStored);
                        }
                      }))
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private RecordCodec() {}

  /** How many distinct app specs the codec remembers, parsed and rendered. */
  static final int SPEC_CACHE = 256;

  private static final SpecCache SPECS = new SpecCache(SPEC_CACHE);

  private static JsonNode renderSpec(AppSpec spec) {
    try {
      return MAPPER.readTree(AppSpecFiles.write(spec, SpecFormat.JSON));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an app spec rendered as JSON did not parse: " + e, e);
    }
  }

  /**
   * Writes an empty {@code Optional<String>} as {@code ""}, as records held plain strings before
   * their absent values became {@code Optional}: stored records keep one format, and readers of
   * either age read both (the records' constructors read {@code ""} as empty).
   */
  private static final class EmptyTextAsBlank extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    private static final JsonSerializer<Object> OPTIONAL_TEXT =
        new JsonSerializer<>() {
          @Override
          public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(((Optional<?>) value).map(String.class::cast).orElse(""));
          }
        };

    @Override
    public List<BeanPropertyWriter> changeProperties(
        SerializationConfig config,
        BeanDescription description,
        List<BeanPropertyWriter> properties) {
      for (BeanPropertyWriter property : properties) {
        JavaType type = property.getType();
        if (type.hasRawClass(Optional.class)
            && type.containedTypeCount() == 1
            && type.containedType(0).hasRawClass(String.class)) {
          property.assignSerializer(OPTIONAL_TEXT);
        }
      }
      return properties;
    }
  }

  /**
   * Formats a time the way every record and trace does.
   *
   * @param instant the time
   * @return for example {@code 2026-11-22T02:39:11.000Z}
   */
  public static String formatTime(Instant instant) {
    return MILLIS.format(instant);
  }

  /**
   * Writes a record as one line of JSON.
   *
   * @param record a cluster, node, operation, plan, backup or journal entry
   * @return the JSON text, without a line break
   */
  public static String write(Object record) {
    try {
      return MAPPER.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + record.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a record written by {@link #write(Object)}.
   *
   * @param json the JSON text
   * @param type the record type
   * @param <T> the record type
   * @return the record
   * @throws IllegalArgumentException if the text is not such a record
   */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a valid " + type.getSimpleName() + " record: " + e.getOriginalMessage(), e);
    }
  }
}
