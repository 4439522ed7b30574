package io.clusterlifecycle.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The tool's commands, and which of them a command line needs. Building picocli's model of a
 * command copies every inherited global option into it, so the whole tree of commands costs a few
 * hundred milliseconds at each start; a command line that names one command gets only that one. The
 * whole tree is built when the line names none or an unknown one (usage and suggestions list them
 * all), for {@code help}, and for {@code plan}, which parses the arguments of the operation it
 * plans with that operation's command.
 */
final class CommandIndex {
  /** Every command, in the order the usage lists them. */
  static final List<Class<?>> COMMANDS =
      List.of(
          DemoCommand.class,
          ValidateCommand.class,
          PlanCommand.class,
          ClusterCommands.Create.class,
          QueryCommands.ListClusters.class,
          QueryCommands.Show.class,
          QueryCommands.Health.class,
          TimelineCommand.class,
          EventsCommand.class,
          OperationQueries.Show.class,
          OperationQueries.Wait.class,
          ReconcileCommand.class,
          TopCommand.class,
          ClusterCommands.AddNodesCommand.class,
          ClusterCommands.DeleteNodesCommand.class,
          OperationCommands.ScaleVerticalCommand.class,
          OperationCommands.UpgradeCommand.class,
          OperationCommands.RollbackCommand.class,
          OperationCommands.StopCommand.class,
          OperationCommands.StartCommand.class,
          OperationCommands.RestartCommand.class,
          OperationCommands.RunCommand.class,
          ActionCommand.class,
          ScaleCommand.class,
          BackupCommands.BackupCommand.class,
          BackupCommands.ListBackups.class,
          BackupCommands.RestoreCommand.class,
          OperationCommands.PromoteCommand.class,
          OperationCommands.AddRoleCommand.class,
          OperationCommands.RemoveRoleCommand.class,
          RepoCommand.class,
          SettingsCommands.ConfigCommand.class,
          SettingsCommands.LabelCommand.class,
          SettingsCommands.DependCommand.class,
          ClusterCommands.Delete.class,
          ClusterCommands.Recover.class,
          CancelCommands.Cancel.class,
          QueryCommands.PurgeDone.class,
          ServeCommand.class,
          CommandLine.HelpCommand.class);

  private static final List<String> NEED_ALL = List.of("help", "plan");

  private CommandIndex() {}

  /**
   * Adds to the root the commands {@code args} need.
   *
   * @param root the root command, without subcommands
   * @param args the command line
   */
  static void addSubcommands(CommandLine root, String[] args) {
    Class<?> named = named(root.getCommandSpec(), args);
    if (named != null) {
      root.addSubcommand(named);
      return;
    }
    for (Class<?> c : COMMANDS) {
      root.addSubcommand(c);
    }
  }

  /** The one command the line names, or null when it needs the whole tree. */
  static Class<?> named(CommandSpec root, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return null;
      }
      if (arg.startsWith("-")) {
        if (arg.contains("=")) {
          continue;
        }
        OptionSpec option = root.findOption(arg);
        if (option == null) {
          return null;
        }
        if (option.arity().max() > 0) {
          i++;
        }
        continue;
      }
      return NEED_ALL.contains(arg) ? null : byName(arg);
    }
    return null;
  }

  private static Class<?> byName(String name) {
    for (Class<?> c : COMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (command.name().equals(name) || List.of(command.aliases()).contains(name)) {
        return c;
      }
    }
    return null;
  }
}
