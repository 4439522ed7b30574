package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.clusterlifecycle.api.spec.AppSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecCacheTest {
  private static AppSpec spec(String version) {
    return AppSpec.builder("app", version)
        .role("r", r -> r.count(1).cpu(1).memory(256).service("start", s -> s.cmd("true")))
        .build();
  }

  @Test
  void aStoredSpec_isParsedOncePerDistinctText_andEveryReadGetsTheSameInstance() {
    SpecCache cache = new SpecCache(4);
    List<String> parses = new ArrayList<>();
    AppSpec first = cache.parsed("{v1}", text -> record(parses, text, spec("1")));
    AppSpec again = cache.parsed("{v1}", text -> record(parses, text, spec("1")));
    cache.parsed("{v2}", text -> record(parses, text, spec("2")));

    assertThat(again).isSameAs(first);
    assertThat(parses).containsExactly("{v1}", "{v2}");
  }

  @Test
  void theLeastRecentlyUsedSpec_isForgottenBeyondTheCapacity() {
    SpecCache cache = new SpecCache(2);
    List<String> parses = new ArrayList<>();
    cache.parsed("a", t -> record(parses, t, spec("a")));
    cache.parsed("b", t -> record(parses, t, spec("b")));
    cache.parsed("a", t -> record(parses, t, spec("a")));
    cache.parsed("c", t -> record(parses, t, spec("c")));
    cache.parsed("a", t -> record(parses, t, spec("a")));
    cache.parsed("b", t -> record(parses, t, spec("b")));

    assertThat(parses).containsExactly("a", "b", "c", "b");
  }

  @Test
  void aSpecThatFailsToParse_isNotRemembered() {
    SpecCache cache = new SpecCache(2);
    assertThatThrownBy(
            () ->
                cache.parsed(
                    "bad",
                    t -> {
                      throw new IllegalArgumentException("not a spec");
                    }))
        .hasMessage("not a spec");
    assertThat(cache.parsed("bad", t -> spec("fixed")).version()).isEqualTo("fixed");
  }

  @Test
  void aSpecIsRenderedOncePerInstance_andAnEqualButOtherInstanceIsRenderedAgain() {
    SpecCache cache = new SpecCache(4);
    List<AppSpec> renders = new ArrayList<>();
    AppSpec one = spec("1");
    AppSpec equalOther = spec("1");
    JsonNode tree = cache.rendered(one, s -> render(renders, s));
    assertThat(cache.rendered(one, s -> render(renders, s))).isSameAs(tree);
    cache.rendered(equalOther, s -> render(renders, s));

    assertThat(equalOther).isEqualTo(one);
    assertThat(renders).hasSize(2);
    assertThat(renders.get(0)).isSameAs(one);
    assertThat(renders.get(1)).isSameAs(equalOther);
  }

  @Test
  void recordsReadTwice_shareTheirSpec_andStillRoundTripEqual() {
    AppSpec spec = spec("3.8.4");
    String json = RecordCodec.write(spec);
    AppSpec read = RecordCodec.read(json, AppSpec.class);
    AppSpec readAgain = RecordCodec.read(json, AppSpec.class);

    assertThat(read).isEqualTo(spec).isSameAs(readAgain);
    assertThat(RecordCodec.write(read)).isEqualTo(json);
  }

  private static AppSpec record(List<String> parses, String text, AppSpec spec) {
    parses.add(text);
    return spec;
  }

  private static JsonNode render(List<AppSpec> renders, AppSpec spec) {
    renders.add(spec);
    return JsonNodeFactory.instance.textNode(spec.version());
  }
}
