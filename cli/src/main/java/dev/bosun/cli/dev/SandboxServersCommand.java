package dev.bosun.cli.dev;

import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.PodNetwork;
import dev.bosun.localcluster.SandboxServers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev sandbox-servers}: a stand-in agent for every running sandbox pod, registered in
 * the simulated pod network ({@code <home>/pod-network}), in the background; {@code bosun dev up}
 * starts it.
 */
@Command(
    name = "sandbox-servers",
    mixinStandardHelpOptions = true,
    description =
        "Start stand-in HTTP servers for the local cluster's sandbox pods, registered in"
            + " <home>/pod-network, in the background; `bosun dev up` starts it, `bosun dev down`"
            + " stops it.")
public final class SandboxServersCommand implements Callable<Integer> {

  static final LocalService SERVICE =
      new LocalService("sandbox-servers", "the stand-in sandbox servers");

  @Spec CommandSpec spec;

  @Option(
      names = "--foreground",
      hidden = true,
      description = "Run the servers in this process (what the background process runs).")
  boolean foreground;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    return foreground
        ? SERVICE.runInForeground(
            err,
            client ->
                SandboxServers.start(
                    client, PodNetwork.atHome(LocalCluster.defaultHome()), LocalService.logTo(err)))
        : SERVICE.startInBackground(err);
  }
}
