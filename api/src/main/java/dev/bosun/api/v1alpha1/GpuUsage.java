package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A policy's GPU ledger: GPU-seconds its agents' Workloads used today, accrued by the MCP server
 * each time it looks (every decision on a GPU deploy), from each Workload's GPUs at that time since
 * the later of its creation, the last accrual and midnight UTC. It lives in the cluster, so a
 * restarted server continues it; it is written with optimistic concurrency, so two servers never
 * count one interval twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuUsage(
    @Required
        @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        @JsonPropertyDescription("The UTC day the ledger counts, such as 2026-12-02.")
        String day,
    @Required @Min(0) @JsonPropertyDescription("GPU-seconds used on that day up to accruedAt.")
        Long gpuSeconds,
    @Required @JsonPropertyDescription("When the ledger was last accrued (RFC 3339).")
        String accruedAt,
    @Min(0)
        @JsonPropertyDescription(
            "GPUs the agents' Workloads held at accruedAt, counted at their most replicas.")
        Integer concurrentGpus) {}
