/**
 * The SSH adapter (docs/ssh.md): {@link io.clusterlifecycle.spi.ssh.SshCommandExecutor} runs
 * service commands on hosts over SSH, and {@link
 * io.clusterlifecycle.spi.ssh.StaticInventoryProvider} hands out hosts from an inventory file as
 * nodes.
 */
package io.clusterlifecycle.spi.ssh;
