/**
 * Plans: the ordered stages of parallel steps an operation runs, computed before anything runs and
 * shown by dry-run as text, JSON or a Mermaid flowchart.
 */
package io.clusterlifecycle.api.plan;
