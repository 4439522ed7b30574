/**
 * The etcd adapter: {@link io.clusterlifecycle.spi.etcd.EtcdMetadataStore} publishes the metadata
 * tree where node agents such as confd read it, and {@link
 * io.clusterlifecycle.spi.etcd.EtcdClusterStore} keeps the durable records that several engines
 * share, with operation leases tied to etcd leases so that another engine takes over the operations
 * of one that died. Each is made by its {@code builder()}, or by {@code open(address)} with an
 * address in the form {@link io.clusterlifecycle.spi.etcd.EtcdEndpoints#parse(String)} reads, and
 * must be closed when done. {@link io.clusterlifecycle.spi.etcd.EtcdSecurity} adds TLS and etcd
 * credentials; a refusal fails with {@link io.clusterlifecycle.spi.etcd.EtcdAccessException}
 * (docs/design.md §9.8). Everything else in this package is internal.
 */
package io.clusterlifecycle.spi.etcd;
