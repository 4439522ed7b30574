package io.clusterlifecycle.spi.openstack;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How to authenticate to Keystone v3: a user's password in a project scope, or an application
 * credential (which carries its own scope), in one region. Immutable and thread-safe; {@link
 * #toString()} never shows the password or the secret. Build one with {@link #builder()}, or read
 * one with {@link OpenStackInfrastructure#credentialsFromEnvironment} or {@link
 * OpenStackInfrastructure#credentialsFromCloudsYaml}.
 */
public final class OpenStackCredentials {
  /** The domain assumed for the user and the project when none is given: {@value}. */
  public static final String DEFAULT_DOMAIN = "Default";

  /** The endpoint interface used when none is given: {@value}. */
  public static final String DEFAULT_INTERFACE = "public";

  private final URI authUrl;
  private final Optional<String> username;
  private final Optional<String> userDomainName;
  private final Optional<String> password;
  private final Optional<String> projectName;
  private final Optional<String> projectId;
  private final Optional<String> projectDomainName;
  private final Optional<String> applicationCredentialId;
  private final Optional<String> applicationCredentialName;
  private final Optional<String> applicationCredentialSecret;
  private final Optional<String> region;
  private final String endpointInterface;

  private OpenStackCredentials(Builder b) {
    this.authUrl = b.authUrl;
    this.username = Optional.ofNullable(b.username);
    this.userDomainName = Optional.ofNullable(b.userDomainName);
    this.password = Optional.ofNullable(b.password);
    this.projectName = Optional.ofNullable(b.projectName);
    this.projectId = Optional.ofNullable(b.projectId);
    this.projectDomainName = Optional.ofNullable(b.projectDomainName);
    this.applicationCredentialId = Optional.ofNullable(b.applicationCredentialId);
    this.applicationCredentialName = Optional.ofNullable(b.applicationCredentialName);
    this.applicationCredentialSecret = Optional.ofNullable(b.applicationCredentialSecret);
    this.region = Optional.ofNullable(b.region);
    this.endpointInterface = b.endpointInterface;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Keystone's v3 URL.
   *
   * @return e.g. {@code https://keystone.example.com:5000/v3}
   */
  public URI authUrl() {
    return authUrl;
  }

  /**
   * Whether these are application credentials rather than a user's password.
   *
   * @return true for an application credential
   */
  public boolean isApplicationCredential() {
    return applicationCredentialSecret.isPresent();
  }

  /**
   * The user's name, for password auth (or to name an application credential by name).
   *
   * @return the user name, if set
   */
  public Optional<String> username() {
    return username;
  }

  /**
   * The user's domain name.
   *
   * @return the domain, if set
   */
  public Optional<String> userDomainName() {
    return userDomainName;
  }

  /**
   * The project's name, for a project scope by name.
   *
   * @return the name, if set
   */
  public Optional<String> projectName() {
    return projectName;
  }

  /**
   * The project's id, for a project scope by id.
   *
   * @return the id, if set
   */
  public Optional<String> projectId() {
    return projectId;
  }

  /**
   * The project's domain name.
   *
   * @return the domain, if set
   */
  public Optional<String> projectDomainName() {
    return projectDomainName;
  }

  /**
   * The application credential's id.
   *
   * @return the id, if set
   */
  public Optional<String> applicationCredentialId() {
    return applicationCredentialId;
  }

  /**
   * The application credential's name (with {@link #username()}).
   *
   * @return the name, if set
   */
  public Optional<String> applicationCredentialName() {
    return applicationCredentialName;
  }

  /**
   * The region whose endpoints are used.
   *
   * @return the region, or empty for the first endpoint of each service
   */
  public Optional<String> region() {
    return region;
  }

  /**
   * The endpoint interface used from the catalog.
   *
   * @return {@code public}, {@code internal} or {@code admin}
   */
  public String endpointInterface() {
    return endpointInterface;
  }

  /** The password; package-private so that it is read only to authenticate. */
  Optional<String> password() {
    return password;
  }

  /** The application credential's secret; package-private, read only to authenticate. */
  Optional<String> applicationCredentialSecret() {
    return applicationCredentialSecret;
  }

  /**
   * Describes the credentials without their secret.
   *
   * @return e.g. {@code OpenStackCredentials[authUrl=..., user=admin, project=admin, ...]}
   */
  @Override
  public String toString() {
    return "OpenStackCredentials[authUrl="
        + authUrl
        + (isApplicationCredential()
            ? ", applicationCredential="
                + applicationCredentialId.or(() -> applicationCredentialName).orElse("?")
            : ", user=" + username.orElse("?") + ", project=" + projectName.or(() -> projectId))
        + ", region="
        + region.orElse("(any)")
        + ", interface="
        + endpointInterface
        + ", secret=****]";
  }

  /** Builds {@link OpenStackCredentials}; not thread-safe. */
  public static final class Builder {
    private URI authUrl;
    private String username;
    private String userDomainName;
    private String password;
    private String projectName;
    private String projectId;
    private String projectDomainName;
    private String applicationCredentialId;
    private String applicationCredentialName;
    private String applicationCredentialSecret;
    private String region;
    private String endpointInterface = DEFAULT_INTERFACE;

    private Builder() {}

    /**
     * Sets Keystone's URL; a URL without a version gets {@code /v3} appended.
     *
     * @param value e.g. {@code http://127.0.0.1:5000/v3}
     * @return this builder
     */
    public Builder authUrl(String value) {
      String url = Objects.requireNonNull(value, "authUrl").replaceAll("/+$", "");
      this.authUrl = URI.create(url.matches(".*/v3(\\.\\d+)?$") ? url : url + "/v3");
      return this;
    }

    /**
     * Sets the user's name.
     *
     * @param value the name
     * @return this builder
     */
    public Builder username(String value) {
      this.username = Objects.requireNonNull(value, "username");
      return this;
    }

    /**
     * Sets the user's domain name; {@link #DEFAULT_DOMAIN} when not set.
     *
     * @param value the domain
     * @return this builder
     */
    public Builder userDomainName(String value) {
      this.userDomainName = Objects.requireNonNull(value, "userDomainName");
      return this;
    }

    /**
     * Sets the user's password.
     *
     * @param value the password; never logged
     * @return this builder
     */
    public Builder password(String value) {
      this.password = Objects.requireNonNull(value, "password");
      return this;
    }

    /**
     * Sets the project to scope to, by name.
     *
     * @param value the project's name
     * @return this builder
     */
    public Builder projectName(String value) {
      this.projectName = Objects.requireNonNull(value, "projectName");
      return this;
    }

    /**
     * Sets the project to scope to, by id.
     *
     * @param value the project's id
     * @return this builder
     */
    public Builder projectId(String value) {
      this.projectId = Objects.requireNonNull(value, "projectId");
      return this;
    }

    /**
     * Sets the project's domain name; {@link #DEFAULT_DOMAIN} when not set.
     *
     * @param value the domain
     * @return this builder
     */
    public Builder projectDomainName(String value) {
      this.projectDomainName = Objects.requireNonNull(value, "projectDomainName");
      return this;
    }

    /**
     * Sets an application credential's id and secret; the credential brings its own scope.
     *
     * @param id the credential's id
     * @param secret its secret; never logged
     * @return this builder
     */
    public Builder applicationCredential(String id, String secret) {
      this.applicationCredentialId = Objects.requireNonNull(id, "id");
      this.applicationCredentialSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Sets an application credential by its name (with {@link #username}) and its secret.
     *
     * @param name the credential's name
     * @param secret its secret; never logged
     * @return this builder
     */
    public Builder applicationCredentialByName(String name, String secret) {
      this.applicationCredentialName = Objects.requireNonNull(name, "name");
      this.applicationCredentialSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Sets the region whose endpoints are used.
     *
     * @param value e.g. {@code RegionOne}
     * @return this builder
     */
    public Builder region(String value) {
      this.region = Objects.requireNonNull(value, "region");
      return this;
    }

    /**
     * Sets the catalog interface; {@link #DEFAULT_INTERFACE} when not set.
     *
     * @param value {@code public}, {@code internal} or {@code admin}
     * @return this builder
     */
    public Builder endpointInterface(String value) {
      String v = Objects.requireNonNull(value, "endpointInterface").replaceAll("URL$", "");
      if (!v.equals("public") && !v.equals("internal") && !v.equals("admin")) {
        throw new IllegalArgumentException(
            "endpointInterface must be public, internal or admin, not " + value);
      }
      this.endpointInterface = v;
      return this;
    }

    /**
     * Builds the credentials.
     *
     * @return the credentials
     * @throws IllegalStateException if the auth URL is missing, or neither a password with a user
     *     and a project nor an application credential is set
     */
    public OpenStackCredentials build() {
      if (authUrl == null) {
        throw new IllegalStateException("authUrl (OS_AUTH_URL) is required");
      }
      if (applicationCredentialSecret != null) {
        if (applicationCredentialId == null && username == null) {
          throw new IllegalStateException(
              "an application credential given by name needs the user name (OS_USERNAME)");
        }
      } else {
        if (username == null || password == null) {
          throw new IllegalStateException(
              "password auth needs a user name and a password (OS_USERNAME, OS_PASSWORD), or "
                  + "use an application credential (OS_APPLICATION_CREDENTIAL_ID/SECRET)");
        }
        if (projectName == null && projectId == null) {
          throw new IllegalStateException(
              "password auth needs a project scope (OS_PROJECT_NAME or OS_PROJECT_ID)");
        }
      }
      if (userDomainName == null) {
        userDomainName = DEFAULT_DOMAIN;
      }
      if (projectDomainName == null) {
        projectDomainName = DEFAULT_DOMAIN;
      }
      return new OpenStackCredentials(this);
    }
  }
}
