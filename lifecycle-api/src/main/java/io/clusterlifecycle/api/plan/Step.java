package io.clusterlifecycle.api.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One unit of work in a {@link Stage}. Steps of one stage run in parallel. Every step has an id
 * unique within its plan, which the journal records its progress under.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CreateNodeStep.class, name = "create_node"),
    @JsonSubTypes.Type(value = DeleteNodeStep.class, name = "delete_node"),
    @JsonSubTypes.Type(value = ServiceStep.class, name = "service"),
    @JsonSubTypes.Type(value = PreCheckStep.class, name = "pre_check"),
    @JsonSubTypes.Type(value = MetadataStep.class, name = "metadata"),
    @JsonSubTypes.Type(value = ResizeNodeStep.class, name = "resize_node"),
    @JsonSubTypes.Type(value = ReplaceImageStep.class, name = "replace_image"),
    @JsonSubTypes.Type(value = StopNodeStep.class, name = "stop_node"),
    @JsonSubTypes.Type(value = StartNodeStep.class, name = "start_node"),
    @JsonSubTypes.Type(value = WaitStep.class, name = "wait")})
public sealed interface Step
    permits CreateNodeStep, DeleteNodeStep, ServiceStep, PreCheckStep, MetadataStep,
    ResizeNodeStep, ReplaceImageStep, StopNodeStep, StartNodeStep, WaitStep {

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
