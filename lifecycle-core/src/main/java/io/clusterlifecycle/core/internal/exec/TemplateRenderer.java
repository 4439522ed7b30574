package io.clusterlifecycle.core.internal.exec;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.MapObjectHandler;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.RenderedFile;
import io.clusterlifecycle.api.spec.ConfigValues;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spec.TemplateSpec;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.reflect.AccessibleObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a role's templates for one node with Mustache (docs/design.md §15, "Rendered config").
 * Values are written as they are, never HTML-escaped; templates see maps, lists and plain values
 * only (no Java object's methods), and cannot include other files.
 */
public final class TemplateRenderer {
  /** What a dry-run shows in place of a secret's value. */
  public static final String MASK = "******";

  /** The most bytes of rendered files one node gets from one render. */
  public static final int MAX_BYTES = 256 * 1024;

  /**
   * The services before which a node's config files are not rendered: those that take the node down
   * or only read it; every other one, custom services included, finds its files current.
   */
  private static final Set<String> NO_RENDER =
      Set.of(
          StandardService.STOP.serviceName(),
          StandardService.DESTROY.serviceName(),
          StandardService.BACKUP.serviceName());

  private TemplateRenderer() {}

  /**
   * Tells whether a node's config files are rendered before {@code service} runs on it.
   *
   * @param service a service name
   * @return false for stop, destroy and backup; true for every other service
   */
  public static boolean rendersBefore(String service) {
    return !NO_RENDER.contains(service);
  }

  /**
   * Tells whether {@code node}'s role renders any template.
   *
   * @param cluster the cluster
   * @param node the node
   * @return true when the role has templates
   */
  public static boolean hasTemplates(Cluster cluster, Node node) {
    return !templates(cluster, node).isEmpty();
  }

  /**
   * Renders every template of {@code node}'s role.
   *
   * @param cluster the cluster as the node sees it
   * @param node the node
   * @param secrets the values of the secret parameters by path, or {@link #MASK} for each
   * @param all every cluster record, for the links
   * @return the files, in the order the templates are declared
   * @throws StepFailedException when a template does not compile or the files are too large
   */
  public static List<RenderedFile> render(
      Cluster cluster, Node node, Map<String, String> secrets, List<Cluster> all) {
    Map<String, Object> config = cluster.config();
    for (Map.Entry<String, String> e : secrets.entrySet()) {
      config = ConfigValues.merge(config, nested(e.getKey(), e.getValue()));
    }
    Map<String, Object> context = TemplateContext.of(cluster, node, config, all);
    List<RenderedFile> files = new ArrayList<>();
    long bytes = 0;
    for (TemplateSpec t : templates(cluster, node)) {
      String text = render(t, context, cluster.specOf(node).version());
      bytes += text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_BYTES) {
        throw new StepFailedException(
            "the templates of role "
                + node.role()
                + " render to more than "
                + MAX_BYTES
                + " bytes on "
                + node.id()
                + "; keep rendered config files smaller");
      }
      int mode = t.modeBits();
      if (!secrets.isEmpty() && secrets.values().stream().anyMatch(s -> contains(text, s))) {
        mode &= 0700;
      }
      files.add(new RenderedFile(node.id(), t.destination(), String.format("%04o", mode), text));
    }
    return files;
  }

  /**
   * The secret parameters of the cluster's spec and the references they hold, by config path.
   *
   * @param cluster the cluster
   * @return path to reference, for the parameters marked secret that have a value
   */
  public static Map<String, String> secretReferences(Cluster cluster) {
    Map<String, String> refs = new LinkedHashMap<>();
    Map<String, String> flat = ConfigValues.flatten(cluster.config());
    for (ParameterSpec p : cluster.spec().parameters()) {
      String value = flat.get(p.path().replace('.', '/'));
      if (p.secret() && value != null && !value.isEmpty()) {
        refs.put(p.path(), value);
      }
    }
    return refs;
  }

  /** Whether the file holds a secret's value, or in a dry-run its mask. */
  private static boolean contains(String text, String secret) {
    return !secret.isEmpty() && text.contains(secret);
  }

  private static List<TemplateSpec> templates(Cluster cluster, Node node) {
    return cluster.specOf(node).role(node.role()).map(RoleSpec::templates).orElse(List.of());
  }

  private static String render(TemplateSpec t, Map<String, Object> context, String version) {
    String content =
        t.content()
            .orElseThrow(
                () ->
                    new StepFailedException(
                        "template "
                            + t.destination()
                            + " of version "
                            + version
                            + " has no content: its source "
                            + t.source().orElse("")
                            + " was not loaded with the spec"));
    try {
      Mustache m = new Factory().compile(new StringReader(content), t.destination());
      StringWriter out = new StringWriter();
      m.execute(out, context).flush();
      return out.toString();
    } catch (MustacheException | java.io.IOException e) {
      throw new StepFailedException(
          "template " + t.destination() + " does not render: " + e.getMessage());
    }
  }

  private static Map<String, Object> nested(String path, Object value) {
    String[] parts = path.split("\\.");
    Object v = value;
    for (int i = parts.length - 1; i >= 0; i--) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(parts[i], v);
      v = m;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> top = (Map<String, Object>) v;
    return top;
  }

  /** Mustache without HTML escaping, partials or access to Java members. */
  private static final class Factory extends DefaultMustacheFactory {
    Factory() {
      setObjectHandler(new MapsOnly());
    }

    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (java.io.IOException e) {
        throw new MustacheException("cannot write", e);
      }
    }

    @Override
    public Reader getReader(String resourceName) {
      throw new MustacheException(
          "templates cannot include other files ({{> " + resourceName + "}})");
    }
  }

  /** Looks names up in maps only; lists and plain values are iterated and printed as usual. */
  private static final class MapsOnly extends MapObjectHandler {
    @Override
    protected AccessibleObject findMember(Class sclass, String name) {
      return null;
    }

    @Override
    public String stringify(Object object) {
      return object instanceof Collection<?> || object instanceof Map<?, ?>
          ? ""
          : String.valueOf(object);
    }
  }
}
