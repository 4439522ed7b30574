package io.clusterlifecycle.spi.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The JSON the adapter writes into annotations and ConfigMaps. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type, String what) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static SortedMap<String, String> readMap(String json, String what) {
    try {
      Map<String, String> m = MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
      return new TreeMap<>(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
