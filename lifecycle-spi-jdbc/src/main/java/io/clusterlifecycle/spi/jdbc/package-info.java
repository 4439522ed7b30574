/**
 * A {@link io.clusterlifecycle.api.spi.ClusterStore} over JDBC: {@link
 * io.clusterlifecycle.spi.jdbc.JdbcClusterStore}, on SQLite (the embedded default, one file that
 * several processes may share) or PostgreSQL, with its schema created and migrated by the store
 * itself. Everything else in this package is internal.
 */
package io.clusterlifecycle.spi.jdbc;
