package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks of the infrastructure options that every factory shares. */
final class InfraChecks {
  private InfraChecks() {}

  /**
   * Refuses the options of the infrastructures other than {@code infra}: an option that would be
   * ignored is a mistake to point out, not to pass over.
   *
   * @throws ValidationException naming each such option and the --infra it is for
   */
  static void onlyFor(InfraOptions o, Infra infra) {
    List<ValidationProblem> p = new ArrayList<>();
    if (infra != Infra.k8s) {
      given(p, "--k8s-image", !o.k8sImages.isEmpty(), "--infra k8s");
      given(p, "--k8s-storage-class", o.k8sStorageClass != null, "--infra k8s");
      given(p, "--k8s-addresses", o.k8sAddresses != null, "--infra k8s");
    }
    if (infra != Infra.ssh) {
      given(p, "--inventory", o.inventory != null, "--infra ssh");
    }
    if (infra != Infra.ssh && infra != Infra.openstack) {
      String either = "--infra ssh or --infra openstack";
      given(p, "--ssh-key", o.sshKey != null, either);
      given(p, "--known-hosts", o.knownHosts != null, either);
      given(p, "--host-key-check", o.hostKeyCheck != null, either);
      given(p, "--pin-host-key", !o.pinnedHostKeys.isEmpty(), either);
    }
    if (infra != Infra.openstack) {
      String os = "--infra openstack";
      given(p, "--ssh-user", o.sshUser != null, os);
      given(p, "--ssh-port", o.sshPort != null, os);
      given(p, "--os-cloud", o.osCloud != null, os);
      given(p, "--clouds-yaml", o.cloudsYaml != null, os);
      given(p, "--os-network", o.osNetwork != null, os);
      given(p, "--os-floating-network", o.osFloatingNetwork != null, os);
      given(p, "--os-image", o.osImage != null, os);
      given(p, "--os-key-name", o.osKeyName != null, os);
    }
    throwIf(p);
  }

  private static void given(List<ValidationProblem> p, String option, boolean given, String infra) {
    if (given) {
      p.add(ValidationProblem.of(option, "is an option of " + infra + "; drop it"));
    }
  }

  /**
   * Adds a problem when a file given for an option is missing, not a regular file or unreadable.
   *
   * @param what what the file should be, for the message
   */
  static void readableFile(List<ValidationProblem> p, String option, Path file, String what) {
    if (file == null) {
      return;
    }
    if (!Files.exists(file)) {
      p.add(ValidationProblem.of(option, file + " does not exist; give " + what));
    } else if (!Files.isRegularFile(file)) {
      p.add(ValidationProblem.of(option, file + " is not a file; give " + what));
    } else if (!Files.isReadable(file)) {
      p.add(
          ValidationProblem.of(
              option, file + " is not readable by this user; give " + what + " it can read"));
    }
  }

  static void throwIf(List<ValidationProblem> p) {
    if (!p.isEmpty()) {
      throw new ValidationException("command line", p);
    }
  }
}
