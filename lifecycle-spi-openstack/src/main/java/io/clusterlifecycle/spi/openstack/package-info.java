/**
 * The OpenStack adapter (docs/openstack.md): {@link
 * io.clusterlifecycle.spi.openstack.OpenStackResourceProvider} runs each node as a Nova server
 * with, when the spec asks for one, a Cinder volume, and on clouds with a network a Neutron port, a
 * security group per cluster and an optional floating IP. {@link
 * io.clusterlifecycle.spi.openstack.OpenStackInfrastructure} makes one from the usual {@code OS_*}
 * variables or a {@code clouds.yaml}. The client is a thin one on {@code java.net.http} and
 * Jackson, asynchronous throughout. Classes not documented as public API are internal.
 */
package io.clusterlifecycle.spi.openstack;
