package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A PersistentVolumeClaim that a Training or Batch run writes checkpoints to, and resumes from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Checkpoints(
    @Required
        @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("An existing ReadWriteMany PersistentVolumeClaim.")
        String claimName,
    @Pattern(Patterns.HTTP_PATH)
        @JsonPropertyDescription("Where it is mounted; /checkpoints when absent.")
        String mountPath) {}
