package io.clusterlifecycle.api.spec;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A config file a role's nodes get, rendered from a Mustache template with the node's view of the
 * cluster (docs/design.md §15, "Rendered config"): before the node's lifecycle commands run, and
 * again on every metadata change its reload reacts to, the engine renders {@link #content()} and
 * writes the result to {@link #destination()} on the node.
 *
 * <p>In a spec file a template gives either {@code content} (the template text inline) or {@code
 * source} (a path among the app's files: its directory or archive); loading the spec through a
 * {@link io.clusterlifecycle.api.source.SpecSource} fills {@code content} from {@code source} (see
 * {@link AppSpec#withTemplateSources}). The engine renders only templates whose content is there.
 *
 * @param destination where the rendered file goes on the node: an absolute path, or a path relative
 *     to the directory the node's commands run in; no {@code ..} segment
 * @param source the template's path among the app's files, if it came from one
 * @param content the template text (Mustache), once known
 * @param mode the file's permission bits in octal, such as {@value #DEFAULT_MODE}; a file that ends
 *     up holding a secret's value is written without group and other bits whatever this says
 */
public record TemplateSpec(
    String destination, Optional<String> source, Optional<String> content, String mode) {

  /** The mode of a rendered file when the template sets none. */
  public static final String DEFAULT_MODE = "0644";

  /**
   * The service name the engine writes a node's rendered files under (in events and run logs); no
   * role may define a service of that name.
   */
  public static final String RENDER_SERVICE = "templates";

  /** The largest template, and the largest rendered file, in characters. */
  public static final int MAX_CHARS = 65_536;

  private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

  /**
   * Checks for nulls.
   *
   * @param destination where the rendered file goes on the node
   * @param source the template's path among the app's files, if any
   * @param content the template text, if known
   * @param mode the permission bits in octal
   * @throws NullPointerException if a component is null
   */
  public TemplateSpec {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(mode, "mode");
  }

  /**
   * A template given inline, written with the default mode.
   *
   * @param destination where the rendered file goes on the node
   * @param content the template text
   * @return the template
   */
  public static TemplateSpec inline(String destination, String content) {
    return new TemplateSpec(destination, Optional.empty(), Optional.of(content), DEFAULT_MODE);
  }

  /**
   * A template read from the app's files when the spec is loaded, written with the default mode.
   *
   * @param destination where the rendered file goes on the node
   * @param source the template's path among the app's files
   * @return the template, its content not yet known
   */
  public static TemplateSpec fromSource(String destination, String source) {
    return new TemplateSpec(destination, Optional.of(source), Optional.empty(), DEFAULT_MODE);
  }

  /**
   * Returns this template with another mode.
   *
   * @param octal permission bits in octal, such as {@code 0600}
   * @return a copy with that mode
   */
  public TemplateSpec withMode(String octal) {
    return new TemplateSpec(destination, source, content, octal);
  }

  /**
   * Returns this template with its text.
   *
   * @param text the template text
   * @return a copy whose content is {@code text}
   */
  public TemplateSpec withContent(String text) {
    return new TemplateSpec(destination, source, Optional.of(text), mode);
  }

  /**
   * The permission bits of {@link #mode()} as a number.
   *
   * @return the bits, such as {@code 0644}
   * @throws NumberFormatException if the mode is not octal digits (a spec that passed {@link
   *     SpecValidator} never has such a mode)
   */
  public int modeBits() {
    return Integer.parseInt(mode, 8);
  }

  /**
   * Tells what is wrong with this template on its own, for {@link SpecValidator}.
   *
   * @return the problem, or empty when there is none
   */
  Optional<String> problem() {
    if (destination.isBlank()) {
      return Optional.of("destination must not be empty");
    }
    if (destination.endsWith("/")
        || ("/" + destination + "/").contains("/../")
        || ("/" + destination + "/").contains("/./")
        || destination.chars().anyMatch(c -> c < 0x20)) {
      return Optional.of(
          "destination '"
              + destination
              + "' must name a file, without '.' or '..' segments or control characters");
    }
    if (source.isPresent() == content.isPresent() && source.isEmpty()) {
      return Optional.of("give the template as content or as a source file");
    }
    if (source.isPresent()
        && (source.get().isBlank()
            || source.get().startsWith("/")
            || ("/" + source.get() + "/").contains("/../"))) {
      return Optional.of(
          "source '" + source.get() + "' must be a relative path among the app's files");
    }
    if (content.isPresent() && content.get().length() > MAX_CHARS) {
      return Optional.of("the template is over " + MAX_CHARS + " characters");
    }
    if (!MODE.matcher(mode).matches()) {
      return Optional.of("mode '" + mode + "' must be octal permission bits such as 0644");
    }
    return Optional.empty();
  }
}
