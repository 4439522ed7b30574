package io.clusterlifecycle.api.spec;

/** The type of a typed config parameter; a value of another type is a validation problem. */
public enum ParameterType {
  /** Any text. */
  STRING,
  /** A whole number; text holding one is read as one. */
  INTEGER,
  /** A decimal number; text holding one is read as one. */
  NUMBER,
  /** {@code true} or {@code false}; the same texts are read as them. */
  BOOLEAN
}
