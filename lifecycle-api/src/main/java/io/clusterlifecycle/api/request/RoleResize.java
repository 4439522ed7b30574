package io.clusterlifecycle.api.request;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The new resources of one role in a {@link ScaleVertical} request; what is left empty stays as it
 * is.
 *
 * @param role the role
 * @param cpu the new core count, if it changes
 * @param memory the new memory in MiB, if it changes
 * @param volumeSize the new volume size in GiB, if it changes (volumes only grow)
 */
public record RoleResize(String role, OptionalInt cpu, OptionalInt memory, OptionalInt volumeSize) {

  /**
   * Checks for nulls.
   *
   * @param role the role
   * @param cpu the new core count, if any
   * @param memory the new memory, if any
   * @param volumeSize the new volume size, if any
   */
  public RoleResize {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(volumeSize, "volumeSize");
  }

  /**
   * Starts a resize of a role that changes nothing yet.
   *
   * @param role the role
   * @return the resize
   */
  public static RoleResize of(String role) {
    return new RoleResize(role, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
  }

  /**
   * Returns a copy with a new core count.
   *
   * @param value cores
   * @return the copy
   */
  public RoleResize cpu(int value) {
    return new RoleResize(role, OptionalInt.of(value), memory, volumeSize);
  }

  /**
   * Returns a copy with new memory.
   *
   * @param value MiB
   * @return the copy
   */
  public RoleResize memory(int value) {
    return new RoleResize(role, cpu, OptionalInt.of(value), volumeSize);
  }

  /**
   * Returns a copy with a new volume size.
   *
   * @param value GiB
   * @return the copy
   */
  public RoleResize volumeSize(int value) {
    return new RoleResize(role, cpu, memory, OptionalInt.of(value));
  }

  /**
   * Tells whether only the volume changes, which is done online without restarts.
   *
   * @return true when neither cpu nor memory is given
   */
  public boolean volumeOnly() {
    return cpu.isEmpty() && memory.isEmpty() && volumeSize.isPresent();
  }
}
