package io.clusterlifecycle.spi.k8s;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node's pod, PVC and the cluster's Service are written: images, storage class, DNS domain,
 * the container's name and command; and which address a node reports ({@link K8sAddresses}).
 * Immutable; build one with {@link #builder()} or take {@link #ofDefaults()}.
 *
 * @param defaultImage the image of a node whose spec and role name none
 * @param roleImages images by role, for nodes whose spec names none
 * @param storageClass the PVCs' storage class; empty for the namespace's default
 * @param clusterDomain the cluster's DNS domain, the last part of the nodes' DNS names
 * @param containerName the name of the node's one container
 * @param command the container's command; empty for the image's entrypoint
 * @param serviceAccount the pods' service account; empty for the namespace's default
 * @param addresses which address the provider reports for a node
 */
public record K8sPodSettings(
    String defaultImage,
    Map<String, String> roleImages,
    Optional<String> storageClass,
    String clusterDomain,
    String containerName,
    List<String> command,
    Optional<String> serviceAccount,
    K8sAddresses addresses) {

  /** The image of a node whose spec and role name none: {@value}. */
  public static final String DEFAULT_IMAGE = "debian:12-slim";

  /** The DNS domain of a cluster unless configured otherwise: {@value}. */
  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

  /** The container's name unless configured otherwise: {@value}. */
  public static final String DEFAULT_CONTAINER = "node";

  /**
   * The container's command unless configured otherwise: it waits for ever, so that the node's
   * services, started by the app spec's commands through pod exec, run beside it.
   */
  public static final List<String> DEFAULT_COMMAND = List.of("sleep", "infinity");

  /** Which address a node reports unless configured otherwise: its pod's IP. */
  public static final K8sAddresses DEFAULT_ADDRESSES = K8sAddresses.POD_IP;

  /**
   * Checks nulls and copies the collections.
   *
   * @param defaultImage the default image
   * @param roleImages images by role; copied
   * @param storageClass the storage class, if not the default
   * @param clusterDomain the DNS domain
   * @param containerName the container's name
   * @param command the container's command; copied
   * @param serviceAccount the service account, if not the default
   * @param addresses which address a node reports
   */
  public K8sPodSettings {
    Objects.requireNonNull(defaultImage, "defaultImage");
    roleImages = Map.copyOf(roleImages);
    Objects.requireNonNull(storageClass, "storageClass");
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    Objects.requireNonNull(containerName, "containerName");
    command = List.copyOf(command);
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(addresses, "addresses");
  }

  /**
   * Returns the settings with every default.
   *
   * @return the defaults
   */
  public static K8sPodSettings ofDefaults() {
    return builder().build();
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The image a node boots: its spec's, else its role's, else the default.
   *
   * @param role the node's role
   * @param specImage the image its spec names, if any
   * @return the image
   */
  public String imageFor(String role, Optional<String> specImage) {
    return specImage.orElseGet(() -> roleImages.getOrDefault(role, defaultImage));
  }

  /** Builds {@link K8sPodSettings}; not thread-safe. */
  public static final class Builder {
    private String defaultImage = DEFAULT_IMAGE;
    private final Map<String, String> roleImages = new LinkedHashMap<>();
    private Optional<String> storageClass = Optional.empty();
    private String clusterDomain = DEFAULT_CLUSTER_DOMAIN;
    private String containerName = DEFAULT_CONTAINER;
    private List<String> command = DEFAULT_COMMAND;
    private Optional<String> serviceAccount = Optional.empty();
    private K8sAddresses addresses = DEFAULT_ADDRESSES;

    private Builder() {}

    /**
     * Sets the image of nodes whose spec and role name none.
     *
     * @param value not blank; default {@link #DEFAULT_IMAGE}
     * @return this builder
     */
    public Builder defaultImage(String value) {
      this.defaultImage = notBlank(value, "defaultImage");
      return this;
    }

    /**
     * Sets the image of a role's nodes whose spec names none.
     *
     * @param role the role
     * @param image not blank
     * @return this builder
     */
    public Builder roleImage(String role, String image) {
      roleImages.put(Objects.requireNonNull(role, "role"), notBlank(image, "image"));
      return this;
    }

    /**
     * Sets the PVCs' storage class.
     *
     * @param value not blank; by default none is named and the namespace's default applies
     * @return this builder
     */
    public Builder storageClass(String value) {
      this.storageClass = Optional.of(notBlank(value, "storageClass"));
      return this;
    }

    /**
     * Sets the cluster's DNS domain, the last part of every node's DNS name.
     *
     * @param value not blank; default {@link #DEFAULT_CLUSTER_DOMAIN}
     * @return this builder
     */
    public Builder clusterDomain(String value) {
      this.clusterDomain = notBlank(value, "clusterDomain");
      return this;
    }

    /**
     * Sets the name of the node's container.
     *
     * @param value not blank; default {@link #DEFAULT_CONTAINER}
     * @return this builder
     */
    public Builder containerName(String value) {
      this.containerName = notBlank(value, "containerName");
      return this;
    }

    /**
     * Sets the container's command.
     *
     * @param value the argument vector; empty to run the image's entrypoint; default {@link
     *     #DEFAULT_COMMAND}
     * @return this builder
     */
    public Builder command(List<String> value) {
      this.command = List.copyOf(value);
      return this;
    }

    /**
     * Sets the pods' service account.
     *
     * @param value not blank; by default none is named
     * @return this builder
     */
    public Builder serviceAccount(String value) {
      this.serviceAccount = Optional.of(notBlank(value, "serviceAccount"));
      return this;
    }

    /**
     * Sets which address the provider reports for a node: its pod's IP, which changes when the pod
     * is recreated, or its stable DNS name.
     *
     * @param value not null; default {@link #DEFAULT_ADDRESSES}
     * @return this builder
     */
    public Builder addresses(K8sAddresses value) {
      this.addresses = Objects.requireNonNull(value, "addresses");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public K8sPodSettings build() {
      return new K8sPodSettings(
          defaultImage,
          roleImages,
          storageClass,
          clusterDomain,
          containerName,
          command,
          serviceAccount,
          addresses);
    }

    private static String notBlank(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
