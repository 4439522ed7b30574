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
      given(p, "--k8s-image", !o.k8sImages.isEmpty(), Infra.k8s);
      given(p, "--k8s-storage-class", o.k8sStorageClass != null, Infra.k8s);
    }
    if (infra != Infra.ssh) {
      given(p, "--inventory", o.inventory != null, Infra.ssh);
      given(p, "--ssh-key", o.sshKey != null, Infra.ssh);
      given(p, "--known-hosts", o.knownHosts != null, Infra.ssh);
      given(p, "--host-key-check", o.hostKeyCheck != null, Infra.ssh);
      given(p, "--pin-host-key", !o.pinnedHostKeys.isEmpty(), Infra.ssh);
    }
    throwIf(p);
  }

  private static void given(List<ValidationProblem> p, String option, boolean given, Infra infra) {
    if (given) {
      p.add(ValidationProblem.of(option, "is an option of --infra " + infra + "; drop it"));
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
