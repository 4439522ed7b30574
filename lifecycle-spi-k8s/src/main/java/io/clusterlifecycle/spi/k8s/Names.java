package io.clusterlifecycle.spi.k8s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Kubernetes names and label values made from node and cluster ids. */
final class Names {
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final Pattern LABEL_KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private Names() {}

  /**
   * The pod's name: the node id itself, which must be a DNS subdomain (node ids are {@code
   * <cluster>-<role>-<index>}, docs/design.md §12.1).
   *
   * @throws IllegalArgumentException when the node id cannot name a pod
   */
  static String pod(String nodeId) {
    if (nodeId.length() > 253 || !SUBDOMAIN.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "node id " + nodeId + " cannot name a pod: it must be a lower-case DNS subdomain");
    }
    return nodeId;
  }

  /** The pod's host name: the node id when it is a DNS label of at most 63, else a short form. */
  static String hostname(String nodeId) {
    return LABEL_1123.matcher(nodeId).matches() && nodeId.length() <= 63
        ? nodeId
        : shorten(nodeId.replace('.', '-'), 63);
  }

  /** The cluster's headless Service, whose name is the pods' subdomain. */
  static String service(String clusterId) {
    return LABEL_1035.matcher(clusterId).matches() && clusterId.length() <= 63
        ? clusterId
        : "lc-" + hash(clusterId).substring(0, 16);
  }

  /** The node's PVC. */
  static String pvc(String nodeId) {
    return pod(nodeId) + "-data";
  }

  /** The node's record, a ConfigMap. */
  static String nodeRecord(String nodeId) {
    return "lc-node." + pod(nodeId);
  }

  /** A label value for {@code value}: itself when valid, else a short form with a hash. */
  static String labelValue(String value) {
    if (value.length() <= 63 && LABEL_VALUE.matcher(value).matches()) {
      return value;
    }
    String cleaned = value.replaceAll("[^-A-Za-z0-9_.]", "-");
    return shorten(cleaned, 63);
  }

  /** Whether {@code key} and {@code value} can be a label as they are. */
  static boolean isLabel(String key, String value) {
    String name = key.substring(key.indexOf('/') + 1);
    return key.length() <= 316
        && name.length() <= 63
        && LABEL_KEY.matcher(key).matches()
        && value.length() <= 63
        && LABEL_VALUE.matcher(value).matches();
  }

  /**
   * A label value standing for {@code value} whatever its length, case and characters: the first 40
   * hex digits of its SHA-256. Equal values give equal labels; different values almost never share
   * one, so whoever selects by it still compares the values themselves.
   */
  static String hashLabel(String value) {
    return hash(value).substring(0, 40);
  }

  private static String shorten(String s, int max) {
    String h = hash(s).substring(0, 10);
    String head = s.substring(0, Math.min(s.length(), max - h.length() - 1));
    head = head.replaceAll("[^A-Za-z0-9]+$", "");
    head = head.replaceAll("^[^A-Za-z0-9]+", "");
    return head.isEmpty() ? "x" + h : head + "-" + h;
  }

  static String hash(String s) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
