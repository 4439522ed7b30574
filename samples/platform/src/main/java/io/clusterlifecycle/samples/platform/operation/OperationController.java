package io.clusterlifecycle.samples.platform.operation;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.samples.platform.web.ErrorBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Polls operations: those accepted asynchronously here, and the library's by their ids. */
@RestController
@RequestMapping("/api/v1/operations")
public class OperationController {

  private final OperationTracker tracker;
  private final Lifecycle lifecycle;

  /**
   * Creates the controller.
   *
   * @param tracker the operations accepted asynchronously
   * @param lifecycle the library
   */
  public OperationController(OperationTracker tracker, Lifecycle lifecycle) {
    this.tracker = tracker;
    this.lifecycle = lifecycle;
  }

  /**
   * Reads an operation.
   *
   * @param id an id a 202 answer gave, or a library operation id
   * @return its status
   * @throws NotFoundException for an unknown id (404)
   */
  @GetMapping("/{id}")
  public OperationStatus get(@PathVariable String id) {
    return tracker
        .status(id)
        .or(() -> lifecycle.operation(id).map(OperationController::ofLibrary))
        .orElseThrow(() -> new NotFoundException("no operation " + id));
  }

  private static OperationStatus ofLibrary(Operation op) {
    boolean failed = op.state() == OperationState.FAILED || op.state() == OperationState.CANCELLED;
    return new OperationStatus(
        op.id(),
        op.type().displayName(),
        op.state().name(),
        op.clusterId(),
        op.id(),
        op.state().name(),
        op.createdAt(),
        0,
        failed ? ErrorBody.of(op.error().orElse(op.state().name())) : null,
        null);
  }
}
