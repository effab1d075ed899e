package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A volume for model weights, so a pod that restarts on the same node does not download them again.
 * {@code claimName} names an existing PersistentVolumeClaim (shared, pre-filled weights); otherwise
 * each pod gets an ephemeral volume of {@code size}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.size) != has(self.claimName)",
    message = "exactly one of size and claimName must be set")
public record ModelCache(
    @Pattern(Patterns.QUANTITY)
        @JsonPropertyDescription("Size of a per-pod ephemeral volume, such as 100Gi.")
        String size,
    @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("An existing PersistentVolumeClaim to mount read-only instead.")
        String claimName,
    @JsonPropertyDescription(
            "The storage class of the ephemeral volume; the cluster's default when absent.")
        String storageClassName,
    @Pattern(Patterns.HTTP_PATH)
        @JsonPropertyDescription("Where the cache is mounted; /models when absent.")
        String mountPath) {}
