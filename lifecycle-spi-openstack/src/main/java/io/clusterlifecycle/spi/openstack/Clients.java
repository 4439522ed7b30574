package io.clusterlifecycle.spi.openstack;

/**
 * The service clients, the poller and the settings every operation works with.
 *
 * @param nova compute
 * @param cinder block storage
 * @param glance images
 * @param neutron networking
 * @param poller the back-off poller
 * @param settings the provider's settings
 */
record Clients(
    Nova nova, Cinder cinder, Glance glance, Neutron neutron, Poller poller, Settings settings) {}
