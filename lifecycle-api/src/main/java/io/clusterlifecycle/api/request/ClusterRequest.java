package io.clusterlifecycle.api.request;

/** A request for an operation on a cluster that exists: every request but create and restore. */
public sealed interface ClusterRequest extends OperationRequest
    permits DeleteCluster,
        AddNodes,
        DeleteNodes,
        ScaleVertical,
        Upgrade,
        Rollback,
        StopCluster,
        StartCluster,
        RestartCluster,
        RunService,
        AddRole,
        RemoveRole,
        BackupCluster,
        ReconcileCluster,
        Promote,
        Reconfigure,
        RoleAction,
        ElasticScale {

  /**
   * Returns the cluster the operation runs on.
   *
   * @return the cluster's id or name
   */
  String cluster();
}
