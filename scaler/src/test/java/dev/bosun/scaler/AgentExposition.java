package dev.bosun.scaler;

/**
 * What the node agent on gpu-node-1 serves (dcgm-exporter's names and labels): four GPUs, two held
 * by team-a/chat-7d9-x2 (37 % and 53 %: a mean of 45), one by team-a/chat-7d9-k4 (20 %) and one by
 * no pod (99 %, which no pod's value may include).
 */
final class AgentExposition {
  static final String NODE = "gpu-node-1";
  static final PodKey X2 = new PodKey("team-a", "chat-7d9-x2");
  static final PodKey K4 = new PodKey("team-a", "chat-7d9-k4");

  static final String BODY =
      """
      # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
      # TYPE DCGM_FI_DEV_GPU_UTIL gauge
      DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-5c1e0a39",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",container="main",namespace="team-a",pod="chat-7d9-x2"} 37
      DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-77b2d410",pci_bus_id="00000000:2A:00.0",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",container="main",namespace="team-a",pod="chat-7d9-x2"} 53
      DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-0f9ac3e2",pci_bus_id="00000000:3A:00.0",device="nvidia2",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",container="main",namespace="team-a",pod="chat-7d9-k4"} 20
      DCGM_FI_DEV_GPU_UTIL{gpu="3",UUID="GPU-9e4d8b61",pci_bus_id="00000000:5D:00.0",device="nvidia3",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1"} 99
      # HELP DCGM_FI_DEV_MEM_COPY_UTIL Memory utilization (in %).
      # TYPE DCGM_FI_DEV_MEM_COPY_UTIL gauge
      DCGM_FI_DEV_MEM_COPY_UTIL{gpu="0",UUID="GPU-5c1e0a39",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",container="main",namespace="team-a",pod="chat-7d9-x2"} 81
      # HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).
      # TYPE DCGM_FI_DEV_GPU_TEMP gauge
      DCGM_FI_DEV_GPU_TEMP{gpu="3",UUID="GPU-9e4d8b61",pci_bus_id="00000000:5D:00.0",device="nvidia3",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1"} 41
      """;

  private AgentExposition() {}
}
