package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * What is allowed in a spec but most likely a mistake (docs/design.md §2): a service whose name is
 * one edit away from a standard service's ({@code strat}, {@code stp}, {@code reloads}), which the
 * engine would run only when asked by name, never at its lifecycle step.
 */
final class SpecWarnings {
  private SpecWarnings() {}

  static List<ValidationProblem> of(AppSpec spec) {
    List<ValidationProblem> warnings = new ArrayList<>();
    for (RoleSpec role : spec.roles()) {
      for (String name : role.services().keySet()) {
        if (StandardService.fromServiceName(name).isPresent()) {
          continue;
        }
        for (StandardService s : StandardService.values()) {
          if (oneEditApart(name, s.serviceName())) {
            warnings.add(
                ValidationProblem.of(
                    "roles." + role.name() + ".services." + name,
                    "'"
                        + name
                        + "' is not a standard service, so it runs only when asked by name; did"
                        + " you mean '"
                        + s.serviceName()
                        + "'?"));
            break;
          }
        }
      }
    }
    return warnings;
  }

  /**
   * Tells whether one insertion, deletion, substitution or swap of two neighbouring characters
   * turns {@code a} into {@code b}.
   */
  static boolean oneEditApart(String a, String b) {
    if (a.equals(b) || Math.abs(a.length() - b.length()) > 1) {
      return false;
    }
    if (a.length() == b.length()) {
      int first = -1;
      int diffs = 0;
      for (int i = 0; i < a.length(); i++) {
        if (a.charAt(i) != b.charAt(i)) {
          diffs++;
          first = first < 0 ? i : first;
        }
      }
      boolean swap =
          diffs == 2
              && first + 1 < a.length()
              && a.charAt(first) == b.charAt(first + 1)
              && a.charAt(first + 1) == b.charAt(first);
      return diffs == 1 || swap;
    }
    String shorter = a.length() < b.length() ? a : b;
    String longer = a.length() < b.length() ? b : a;
    int i = 0;
    while (i < shorter.length() && shorter.charAt(i) == longer.charAt(i)) {
      i++;
    }
    return shorter.substring(i).equals(longer.substring(i + 1));
  }
}
