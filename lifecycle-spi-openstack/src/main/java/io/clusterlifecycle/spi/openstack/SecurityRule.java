package io.clusterlifecycle.spi.openstack;

import java.util.Objects;

/**
 * An ingress rule of a cluster's security group: traffic of one protocol on a port range from a
 * CIDR. Besides these rules every cluster's group lets its own members reach each other on any
 * port.
 *
 * @param protocol {@code tcp}, {@code udp} or {@code icmp}
 * @param portMin the first port (ignored for icmp)
 * @param portMax the last port, at least {@code portMin}
 * @param cidr where the traffic may come from, e.g. {@code 0.0.0.0/0}
 */
public record SecurityRule(String protocol, int portMin, int portMax, String cidr) {
  /**
   * Checks the rule.
   *
   * @param protocol the protocol
   * @param portMin the first port
   * @param portMax the last port
   * @param cidr the source CIDR
   * @throws IllegalArgumentException if the protocol is unknown or the port range is not one
   */
  public SecurityRule {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cidr, "cidr");
    if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("icmp")) {
      throw new IllegalArgumentException("protocol must be tcp, udp or icmp, not " + protocol);
    }
    if (!protocol.equals("icmp") && (portMin < 1 || portMax < portMin || portMax > 65535)) {
      throw new IllegalArgumentException(
          "port range must be 1 <= portMin <= portMax <= 65535, not " + portMin + "-" + portMax);
    }
  }

  /**
   * A TCP port open to a CIDR.
   *
   * @param port the port
   * @param cidr the source CIDR
   * @return the rule
   */
  public static SecurityRule tcp(int port, String cidr) {
    return new SecurityRule("tcp", port, port, cidr);
  }
}
