package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdEndpointsTest {

  @Test
  void parse_membersAndTheServersTransactionLimit() {
    EtcdEndpoints e = EtcdEndpoints.parse("etcd://10.0.0.5:2379,etcd-2:2380?max-txn-ops=1024");
    assertThat(e.uris())
        .containsExactly(URI.create("http://10.0.0.5:2379"), URI.create("http://etcd-2:2380"));
    assertThat(e.maxTxnOps()).isEqualTo(1024);
    assertThat(e).hasToString("etcd://10.0.0.5:2379,etcd-2:2380");
    assertThat(EtcdEndpoints.parse("http://127.0.0.1:2379").maxTxnOps())
        .isEqualTo(EtcdMetadataStore.DEFAULT_MAX_TXN_OPS);
  }

  @Test
  void parse_refusesWhatIsNotAnAddress_sayingWhatToWrite() {
    for (String bad :
        List.of(
            "127.0.0.1:2379",
            "etcd://",
            "etcd://host",
            "etcd://host:port",
            "etcd://h:0",
            "etcd://h:70000",
            "etcd://h:1/path",
            "etcd://h:1?max-txn-ops=4",
            "etcd://h:1?timeout=3")) {
      assertThatThrownBy(() -> EtcdEndpoints.parse(bad))
          .as(bad)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("etcd://127.0.0.1:2379");
    }
  }

  @Test
  void storesTakeTheLimitFromTheEndpoints() {
    assertThatThrownBy(() -> EtcdMetadataStore.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new EtcdEndpoints(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
