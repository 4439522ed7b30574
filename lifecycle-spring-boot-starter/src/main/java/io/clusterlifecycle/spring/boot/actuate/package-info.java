/** The engine's health indicator and actuator endpoint, when the application has the actuator. */
package io.clusterlifecycle.spring.boot.actuate;
