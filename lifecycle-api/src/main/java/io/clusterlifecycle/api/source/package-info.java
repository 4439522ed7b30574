/**
 * Where app specs come from: a file, an archive holding the spec with its scripts and templates, or
 * a repository that indexes archives by app name and version, like a chart repository.
 */
package io.clusterlifecycle.api.source;
