package io.clusterlifecycle.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.Deployment;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spec.TemplateSpec;
import io.clusterlifecycle.codec.SpecTree.Loc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads app specs from JSON and YAML files and writes them back (docs/design.md §2).
 *
 * <p>Reading is strict and reports every problem at once: malformed syntax, unknown keys (with a
 * "did you mean" hint), missing required keys, wrong types, duplicate keys and all the semantic
 * checks of {@link AppSpec#validate()}, each with its path and, because it comes from a file, its
 * line and column. Nothing is returned unless the whole spec is valid. Files larger than {@link
 * #DEFAULT_MAX_BYTES} are refused before they are read.
 *
 * <p>Writing produces the snake_case format, leaving out settings that are at their defaults. A
 * valid spec written and read back is {@linkplain AppSpec#equals(Object) equal} to the original.
 *
 * <p>All methods are thread-safe.
 */
public final class AppSpecFiles {

  /** Largest spec file read by default: 1 MiB, far above any real spec. */
  public static final long DEFAULT_MAX_BYTES = 1L << 20;

  private static final ObjectMapper JSON_WRITER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML_WRITER = yamlWriter(true);
  // double quotes everywhere: the plain and block styles of the minimal writer leave the Unicode
  // line breaks NEL, LS and PS unescaped, and YAML reads them back as line breaks
  private static final ObjectMapper YAML_QUOTING_WRITER = yamlWriter(false);

  private static ObjectMapper yamlWriter(boolean minimizeQuotes) {
    YAMLFactory factory =
        YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .configure(YAMLGenerator.Feature.MINIMIZE_QUOTES, minimizeQuotes)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    return new ObjectMapper(factory);
  }

  private AppSpecFiles() {}

  /**
   * Reads and validates a spec file of at most {@link #DEFAULT_MAX_BYTES}; the format follows from
   * the file name ({@link SpecFormat#forFile(Path)}).
   *
   * @param file the spec file
   * @return the valid spec
   * @throws ValidationException listing every problem, including a missing, unreadable, empty,
   *     oversized or non-UTF-8 file
   */
  public static AppSpec read(Path file) {
    return read(file, DEFAULT_MAX_BYTES);
  }

  /**
   * Reads and validates a spec file with a size limit of the caller's choosing.
   *
   * @param file the spec file
   * @param maxBytes largest file accepted
   * @return the valid spec
   * @throws ValidationException listing every problem, including a file over {@code maxBytes}
   */
  public static AppSpec read(Path file, long maxBytes) {
    String subject = "spec file " + file;
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new ValidationException(
            subject,
            List.of(
                ValidationProblem.of(
                    ValidationProblem.ROOT,
                    "the file is "
                        + size
                        + " bytes, over the limit of "
                        + maxBytes
                        + " bytes; an app"
                        + " spec is a few KiB — check that this is the right file")));
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ValidationException(
          subject,
          List.of(ValidationProblem.of(ValidationProblem.ROOT, "no such file; check the path")));
    } catch (IOException e) {
      throw new ValidationException(
          subject,
          List.of(
              ValidationProblem.of(
                  ValidationProblem.ROOT, "cannot read the file: " + e.getMessage())));
    }
    if (bytes.length > maxBytes) {
      throw new ValidationException(
          subject,
          List.of(
              ValidationProblem.of(
                  ValidationProblem.ROOT,
                  "the file grew past the limit of " + maxBytes + " bytes while it was read")));
    }
    String content;
    try {
      content =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ValidationException(
          subject,
          List.of(
              ValidationProblem.of(
                  ValidationProblem.ROOT, "the file is not UTF-8 text; save it as UTF-8")));
    }
    if (content.startsWith("\uFEFF")) {
      // a byte order mark, as some Windows editors write: YAML skips it, JSON would not
      content = content.substring(1);
    }
    return parse(content, SpecFormat.forFile(file), subject, maxBytes, false);
  }

  /**
   * Parses and validates a spec held in a string.
   *
   * @param content the document
   * @param format its format
   * @return the valid spec
   * @throws ValidationException listing every problem
   */
  public static AppSpec parse(String content, SpecFormat format) {
    return parse(content, format, format + " app spec", DEFAULT_MAX_BYTES, false);
  }

  /**
   * Parses a spec stored in a record. A record written before secret-looking env keys were refused
   * (docs/design.md §2) may hold one with a value; it is read as it was stored, so that the cluster
   * stays readable and operable. Every other check applies.
   */
  static AppSpec parseStored(String content) {
    return parse(content, SpecFormat.JSON, SpecFormat.JSON + " app spec", DEFAULT_MAX_BYTES, true);
  }

  private static boolean isSecretLookingEnvProblem(ValidationProblem p) {
    return p.path().startsWith("env.")
        && AppSpec.looksLikeSecret(p.path().substring("env.".length()))
        && p.reason().startsWith("looks like a secret");
  }

  private static AppSpec parse(
      String content,
      SpecFormat format,
      String subject,
      long maxChars,
      boolean tolerateSecretLookingEnv) {
    if (content.length() > maxChars) {
      throw new ValidationException(
          subject,
          List.of(
              ValidationProblem.of(
                  ValidationProblem.ROOT,
                  "the document is "
                      + content.length()
                      + " characters, over the limit of "
                      + maxChars
                      + " characters; an app spec is a few KiB")));
    }
    List<ValidationProblem> structural = new ArrayList<>();
    SpecTree.Node root = SpecTree.parse(content, format, structural);
    SpecBinder binder = new SpecBinder(structural);
    AppSpec spec = root == null ? null : binder.bind(root);
    List<ValidationProblem> all = new ArrayList<>(structural);
    if (spec != null) {
      for (ValidationProblem p : spec.validate()) {
        if (tolerateSecretLookingEnv && isSecretLookingEnvProblem(p)) {
          continue;
        }
        if (structural.stream().noneMatch(s -> covers(s.path(), p.path()))) {
          Loc loc = binder.locate(p.path()).orElse(new Loc(1, 1));
          all.add(loc.problem(p.path(), p.reason()));
        }
      }
    }
    if (!all.isEmpty()) {
      all.sort(
          Comparator.comparingInt(ValidationProblem::line)
              .thenComparingInt(ValidationProblem::column));
      throw new ValidationException(subject, all);
    }
    return spec;
  }

  /** Tells whether a structural problem at {@code outer} already accounts for {@code inner}. */
  private static boolean covers(String outer, String inner) {
    return inner.equals(outer) || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
  }

  /**
   * Writes a spec in the chosen format.
   *
   * @param spec the spec
   * @param format the format
   * @return the document, ending with a newline
   */
  public static String write(AppSpec spec, SpecFormat format) {
    try {
      Map<String, Object> tree = tree(spec);
      String text =
          (format == SpecFormat.JSON ? JSON_WRITER : YAML_WRITER).writeValueAsString(tree);
      if (format == SpecFormat.YAML && text.chars().anyMatch(AppSpecFiles::isUnicodeLineBreak)) {
        text = YAML_QUOTING_WRITER.writeValueAsString(tree);
      }
      return text.endsWith("\n") ? text : text + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of maps, lists and scalars always serialises", e);
    }
  }

  private static boolean isUnicodeLineBreak(int c) {
    return c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /**
   * Writes a spec to a file, in the format its name suggests ({@link SpecFormat#forFile(Path)}).
   *
   * @param spec the spec
   * @param file the file to create or replace
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(AppSpec spec, Path file) {
    try {
      Files.writeString(file, write(spec, SpecFormat.forFile(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static Map<String, Object> tree(AppSpec spec) {
    Map<String, Object> app = new LinkedHashMap<>();
    app.put("name", spec.name());
    app.put("version", spec.version());
    if (!spec.env().isEmpty()) {
      app.put("env", spec.env());
    }
    if (!spec.secrets().isEmpty()) {
      app.put("secrets", spec.secrets());
    }
    if (!spec.config().isEmpty()) {
      app.put("config", spec.config());
    }
    if (!spec.parameters().isEmpty()) {
      app.put("parameters", spec.parameters().stream().map(AppSpecFiles::tree).toList());
    }
    if (spec.deployment() != Deployment.NONE) {
      app.put("deployment", spec.deployment().fileName());
    }
    app.put("roles", spec.roles().stream().map(AppSpecFiles::tree).toList());
    return app;
  }

  private static Map<String, Object> tree(ParameterSpec p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
    p.defaultValue().ifPresent(v -> m.put("default", v));
    if (!p.description().isEmpty()) {
      m.put("description", p.description());
    }
    p.min().ifPresent(v -> m.put("min", v));
    p.max().ifPresent(v -> m.put("max", v));
    if (!p.allowed().isEmpty()) {
      m.put("enum", p.allowed());
    }
    if (p.secret()) {
      m.put("secret", true);
    }
    if (!p.path().equals(p.name())) {
      m.put("path", p.path());
    }
    if (!p.unit().isEmpty()) {
      m.put("unit", p.unit());
    }
    return m;
  }

  private static Map<String, Object> tree(RoleSpec role) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("role", role.name());
    r.put("count", role.count());
    if (role.minNodes() != RoleSpec.DEFAULT_MIN_NODES) {
      r.put("min_nodes", role.minNodes());
    }
    if (role.maxNodes() != RoleSpec.UNBOUNDED) {
      r.put("max_nodes", role.maxNodes());
    }
    r.put("cpu", role.cpu());
    r.put("memory", role.memory());
    role.image().ifPresent(i -> r.put("image", i));
    role.volume()
        .ifPresent(
            v -> {
              Map<String, Object> volume = new LinkedHashMap<>();
              volume.put("size", v.size());
              volume.put("mount_point", v.mountPoint());
              r.put("volume", volume);
            });
    if (!role.advancedActions().isEmpty()) {
      r.put(
          "advanced_actions",
          role.advancedActions().stream().map(AdvancedAction::fileName).toList());
    }
    if (role.verticalScalingPolicy() != ExecutionPolicy.PARALLEL) {
      r.put("vertical_scaling_policy", role.verticalScalingPolicy().fileName());
    }
    if (role.upgradingPolicy() != ExecutionPolicy.PARALLEL) {
      r.put("upgrading_policy", role.upgradingPolicy().fileName());
    }
    if (!role.services().isEmpty()) {
      Map<String, Object> services = new LinkedHashMap<>();
      role.services().forEach((name, s) -> services.put(name, tree(s)));
      r.put("services", services);
    }
    if (!role.templates().isEmpty()) {
      r.put("templates", role.templates().stream().map(AppSpecFiles::tree).toList());
    }
    if (!role.elasticityPolicies().isEmpty()) {
      r.put(
          "elasticity_policies", role.elasticityPolicies().stream().map(PolicyTrees::of).toList());
    }
    if (!role.scheduledPolicies().isEmpty()) {
      r.put("scheduled_policies", role.scheduledPolicies().stream().map(PolicyTrees::of).toList());
    }
    return r;
  }

  private static Map<String, Object> tree(TemplateSpec t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("destination", t.destination());
    t.source().ifPresent(v -> m.put("source", v));
    t.content().ifPresent(v -> m.put("content", v));
    if (!t.mode().equals(TemplateSpec.DEFAULT_MODE)) {
      m.put("mode", t.mode());
    }
    return m;
  }

  private static Map<String, Object> tree(ServiceSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cmd", s.cmd());
    if (s.order() != ServiceSpec.DEFAULT_ORDER) {
      m.put("order", s.order());
    }
    if (!s.timeout().equals(ServiceSpec.DEFAULT_TIMEOUT)) {
      m.put("timeout", s.timeout().getSeconds());
    }
    if (!s.runsOnAllNodes()) {
      m.put("nodes_to_execute_on", s.nodesToExecuteOn());
    }
    if (s.postStartService()) {
      m.put(ServiceSpec.FIELD_POST_START, true);
    }
    if (s.postStopService()) {
      m.put(ServiceSpec.FIELD_POST_STOP, true);
    }
    s.preCheck().ifPresent(c -> m.put(ServiceSpec.FIELD_PRE_CHECK, c));
    if (!s.watch().isEmpty()) {
      m.put(ServiceSpec.FIELD_WATCH, s.watch());
    }
    if (!s.secrets().isEmpty()) {
      m.put(ServiceSpec.FIELD_SECRETS, s.secrets());
    }
    return m;
  }
}
