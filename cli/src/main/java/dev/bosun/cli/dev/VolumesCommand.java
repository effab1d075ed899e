package dev.bosun.cli.dev;

import dev.bosun.localcluster.LocalCluster;
import dev.bosun.localcluster.LocalVolumeProvisioner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev volumes}: the local cluster's volume provisioner (StorageClass bosun-local) in
 * the background; {@code bosun dev up} starts it.
 */
@Command(
    name = "volumes",
    mixinStandardHelpOptions = true,
    description =
        "Start the local volume provisioner (StorageClass bosun-local, PVs under"
            + " <home>/volumes) in the background; `bosun dev up` starts it, `bosun dev down`"
            + " stops it.")
public final class VolumesCommand implements Callable<Integer> {

  static final LocalService SERVICE = new LocalService("volumes", "the volume provisioner");

  @Spec CommandSpec spec;

  @Option(
      names = "--foreground",
      hidden = true,
      description = "Run the provisioner in this process (what the background process runs).")
  boolean foreground;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    return foreground
        ? SERVICE.runInForeground(
            err,
            client ->
                LocalVolumeProvisioner.start(
                    client, LocalCluster.defaultHome(), LocalService.logTo(err)))
        : SERVICE.startInBackground(err);
  }
}
