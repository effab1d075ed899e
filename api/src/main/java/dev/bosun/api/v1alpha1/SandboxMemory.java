package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * The agent's persistent memory: a PersistentVolumeClaim per sandbox, mounted at {@value
 * Sandboxes#MEMORY_PATH}, that survives suspend, resume, pod loss and node loss.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxMemory(
    @Pattern(Patterns.QUANTITY) @JsonPropertyDescription("The volume's size; 1Gi when absent.")
        String size,
    @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription(
            "The StorageClass of the volume; the cluster's default class when absent.")
        String storageClassName) {}
