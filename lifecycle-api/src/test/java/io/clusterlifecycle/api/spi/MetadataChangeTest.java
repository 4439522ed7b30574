package io.clusterlifecycle.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataChangeTest {

  @Test
  void aBuiltChange_equalsTheSameChangeMadeFromAMap_inOrder() {
    MetadataChange built =
        MetadataChange.builder()
            .put("/c/b", "1")
            .put("/c/a", "2")
            .put("/c/b", "3")
            .deletePrefix("/c/old")
            .build();

    Map<String, String> puts = new LinkedHashMap<>();
    puts.put("/c/b", "3");
    puts.put("/c/a", "2");
    assertThat(built).isEqualTo(new MetadataChange(puts, List.of("/c/old")));
    assertThat(built.hashCode()).isEqualTo(new MetadataChange(puts, List.of("/c/old")).hashCode());
    assertThat(built.puts().keySet()).containsExactly("/c/b", "/c/a");
    assertThat(built.puts().values()).containsExactly("3", "2");
    assertThat(built.puts()).containsEntry("/c/a", "2").doesNotContainKey("/c/x");
  }

  @Test
  void whatTheBuilderIsGivenAfterBuild_doesNotReachTheBuiltChange() {
    MetadataChange.Builder b = MetadataChange.builder().put("/k/1", "one");
    MetadataChange first = b.build();

    MetadataChange second = b.put("/k/1", "uno").put("/k/2", "two").deletePrefix("/k/3").build();

    assertThat(first.puts()).containsExactly(Map.entry("/k/1", "one"));
    assertThat(first.deletePrefixes()).isEmpty();
    assertThat(second.puts()).containsExactly(Map.entry("/k/1", "uno"), Map.entry("/k/2", "two"));
    assertThat(second.deletePrefixes()).containsExactly("/k/3");
  }

  @Test
  void theChangesPutsCannotBeChanged_andNullsAreRefused() {
    MetadataChange c = MetadataChange.builder().put("/k", "v").build();

    assertThatThrownBy(() -> c.puts().put("/x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.puts().entrySet().iterator().next().setValue("w"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.puts().keySet().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> MetadataChange.builder().put("/k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> MetadataChange.builder().deletePrefix(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("prefix");
    assertThatThrownBy(() -> MetadataChange.builder(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expectedPuts must be 0 or more, was -1");
    assertThat(MetadataChange.builder(100_000).put("/k", "v").build().puts()).hasSize(1);
  }
}
