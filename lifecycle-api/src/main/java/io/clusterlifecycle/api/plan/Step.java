package io.clusterlifecycle.api.plan;

/**
 * One unit of work in a {@link Stage}. Steps of one stage run in parallel. Every step has an id
 * unique within its plan, which the journal records its progress under.
 *
 * <p>The stored JSON form names each kind of step in a {@code kind} property ({@code create_node},
 * {@code service}, ...); lifecycle-codec's {@code RecordCodec} reads and writes it.
 */
public sealed interface Step
    permits CreateNodeStep,
        DeleteNodeStep,
        ServiceStep,
        PreCheckStep,
        MetadataStep,
        ResizeNodeStep,
        ReplaceImageStep,
        StopNodeStep,
        StartNodeStep,
        WaitStep,
        ReloadDependentStep,
        NodeActionStep {

  /**
   * Returns the step's id, unique within its plan.
   *
   * @return the id
   */
  String id();

  /**
   * Describes the step in a few words, for text plans and diagrams.
   *
   * @return for example {@code start on zk-1}
   */
  String describe();
}
