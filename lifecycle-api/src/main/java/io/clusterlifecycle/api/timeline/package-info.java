/**
 * Timelines: what an operation did over time, read off its plan and its journal, drawn as a Gantt
 * chart in Mermaid or HTML.
 */
package io.clusterlifecycle.api.timeline;
