package dev.bosun.compiler;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The "restricted" Pod Security Standard (baseline included), one check per rule, written from the
 * standard's text so that it judges the compiler rather than repeating it. Returns the rules a pod
 * breaks.
 */
final class RestrictedPodSecurity {
  private static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  private RestrictedPodSecurity() {}

  static List<String> violations(PodSpec pod) {
    List<String> broken = new ArrayList<>();
    PodSecurityContext podContext = pod.getSecurityContext();
    List<Container> containers =
        Stream.concat(
                Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()),
                pod.getEphemeralContainers().stream()
                    .map(
                        e ->
                            new ContainerBuilder()
                                .withName(e.getName())
                                .withSecurityContext(e.getSecurityContext())
                                .withPorts(e.getPorts())
                                .build()))
            .toList();

    // Baseline.
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      broken.add("host namespaces");
    }
    for (Volume volume : pod.getVolumes()) {
      if (volume.getHostPath() != null) {
        broken.add("hostPath volume " + volume.getName());
      }
    }
    if (podContext != null && podContext.getSysctls() != null) {
      podContext.getSysctls().stream()
          .filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> broken.add("unsafe sysctl " + s.getName()));
    }
    if (podContext != null
        && podContext.getWindowsOptions() != null
        && Boolean.TRUE.equals(podContext.getWindowsOptions().getHostProcess())) {
      broken.add("host process");
    }
    if (podContext != null
        && podContext.getSeLinuxOptions() != null
        && podContext.getSeLinuxOptions().getUser() != null) {
      broken.add("SELinux user");
    }
    if (podContext != null
        && podContext.getAppArmorProfile() != null
        && "Unconfined".equals(podContext.getAppArmorProfile().getType())) {
      broken.add("AppArmor unconfined");
    }

    // Restricted: volume types.
    for (Volume volume : pod.getVolumes()) {
      boolean allowed =
          volume.getConfigMap() != null
              || volume.getDownwardAPI() != null
              || volume.getEmptyDir() != null
              || volume.getProjected() != null
              || volume.getSecret() != null
              || volume.getCsi() != null
              || volume.getPersistentVolumeClaim() != null
              || volume.getEphemeral() != null
              || volume.getImage() != null;
      if (!allowed) {
        broken.add("volume type of " + volume.getName());
      }
    }
    // Restricted: seccomp on the pod, or on every container.
    boolean podSeccomp = podContext != null && seccompAllowed(podContext.getSeccompProfile());
    boolean podNonRoot = podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot());
    if (podContext != null
        && podContext.getRunAsUser() != null
        && podContext.getRunAsUser() == 0L) {
      broken.add("pod runAsUser 0");
    }
    if (podContext != null
        && podContext.getSeccompProfile() != null
        && !seccompAllowed(podContext.getSeccompProfile())) {
      broken.add("pod seccomp " + podContext.getSeccompProfile().getType());
    }
    for (Container container : containers) {
      String name = container.getName();
      SecurityContext context = container.getSecurityContext();
      if (context != null && Boolean.TRUE.equals(context.getPrivileged())) {
        broken.add(name + ": privileged");
      }
      if (context != null
          && context.getProcMount() != null
          && !"Default".equals(context.getProcMount())) {
        broken.add(name + ": procMount");
      }
      for (ContainerPort port : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() != 0) {
          broken.add(name + ": hostPort");
        }
      }
      if (context == null || !Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        broken.add(name + ": allowPrivilegeEscalation is not false");
      }
      boolean containerNonRoot = context != null && Boolean.TRUE.equals(context.getRunAsNonRoot());
      boolean containerForbidsNonRoot =
          context != null && Boolean.FALSE.equals(context.getRunAsNonRoot());
      if (containerForbidsNonRoot || !(podNonRoot || containerNonRoot)) {
        broken.add(name + ": runAsNonRoot is not true");
      }
      if (context != null && context.getRunAsUser() != null && context.getRunAsUser() == 0L) {
        broken.add(name + ": runAsUser 0");
      }
      SeccompProfile seccomp = context == null ? null : context.getSeccompProfile();
      if (seccomp != null ? !seccompAllowed(seccomp) : !podSeccomp) {
        broken.add(name + ": seccomp is not RuntimeDefault or Localhost");
      }
      Capabilities capabilities = context == null ? null : context.getCapabilities();
      if (capabilities == null || !capabilities.getDrop().contains("ALL")) {
        broken.add(name + ": capabilities do not drop ALL");
      }
      if (capabilities != null) {
        capabilities.getAdd().stream()
            .filter(c -> !c.equals("NET_BIND_SERVICE"))
            .forEach(
                c ->
                    broken.add(
                        name
                            + ": adds capability "
                            + c
                            + (BASELINE_CAPABILITIES.contains(c)
                                ? ""
                                : " (not even baseline allows it)")));
      }
    }
    return broken;
  }

  private static boolean seccompAllowed(SeccompProfile profile) {
    return profile != null
        && ("RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType()));
  }
}
