package io.clusterlifecycle.samples.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A release and cluster management service over the Lifecycle library: the Helm release manager's
 * REST API and a DBaaS cluster API, both mapped onto the {@link io.clusterlifecycle.api.Lifecycle}
 * bean the starter configures.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PlatformApplication {

  /**
   * Starts the service.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8080}
   */
  public static void main(String[] args) {
    SpringApplication.run(PlatformApplication.class, args);
  }
}
