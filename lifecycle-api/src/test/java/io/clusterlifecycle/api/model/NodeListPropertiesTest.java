package io.clusterlifecycle.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.state.NodeState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The chunked node list against a plain list: every version derived by replacing nodes holds what
 * the plain list holds, and the versions it derives from keep what they held, across chunk bounds.
 */
class NodeListPropertiesTest {

  @Property(tries = 300)
  void replacingNodes_changesOnlyTheDerivedVersion(
      @ForAll @IntRange(min = 0, max = 3 * NodeList.CHUNK + 5) int size,
      @ForAll("rounds") List<List<Integer>> rounds) {
    List<Node> model = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      model.add(node("r" + (i % 3), i, "cpu0"));
    }
    NodeList list = NodeList.copyOf(model);
    List<NodeList> versions = new ArrayList<>(List.of(list));
    List<List<Node>> expected = new ArrayList<>(List.of(List.copyOf(model)));
    int round = 0;
    for (List<Integer> positions : rounds) {
      round++;
      Map<String, Node> replacements = new LinkedHashMap<>();
      for (int p : positions) {
        if (size == 0) {
          break;
        }
        Node old = model.get(p % size);
        Node changed = old.toBuilder().cpu(round).build();
        replacements.put(changed.id(), changed);
        model.set(p % size, changed);
      }
      list = list.withReplaced(replacements);
      versions.add(list);
      expected.add(List.copyOf(model));
    }
    for (int v = 0; v < versions.size(); v++) {
      NodeList version = versions.get(v);
      List<Node> want = expected.get(v);
      assertThat(version).isEqualTo(want).hasSameHashCodeAs(want);
      assertThat(version.size()).isEqualTo(want.size());
      for (Node n : want) {
        assertThat(version.byId(n.id())).isEqualTo(n);
      }
    }
    assertThat(list.byId("absent")).isNull();
    assertThatThrownBy(() -> versions.get(0).get(size))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Property(tries = 50)
  void aReplacementThatWouldMoveANode_isRefused(
      @ForAll @IntRange(min = 1, max = 2 * NodeList.CHUNK + 3) int size, @ForAll int pick) {
    List<Node> model = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      model.add(node("r", i, "a"));
    }
    NodeList list = NodeList.copyOf(model);
    Node old = model.get(Math.floorMod(pick, size));

    assertThat(list.withReplaced(Map.of(old.id(), old.toBuilder().role("other").build()))).isNull();
    assertThat(list.withReplaced(Map.of(old.id(), old.toBuilder().index(size + 7).build())))
        .isNull();
    assertThat(list.withReplaced(Map.of("n-" + (size + 1), node("r", size + 1, "b")))).isNull();
    assertThat(list).isEqualTo(model);
  }

  @Provide
  Arbitrary<List<List<Integer>>> rounds() {
    return Arbitraries.integers().between(0, 1_000).list().ofMaxSize(12).list().ofMaxSize(6);
  }

  private static Node node(String role, int index, String tag) {
    return Node.builder()
        .id("n-" + index)
        .role(role)
        .index(index)
        .state(NodeState.RUNNING)
        .address(tag)
        .build();
  }
}
