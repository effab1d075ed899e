package dev.bosun.compiler.manifest;

import dev.bosun.compiler.FieldError;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** One Bosun object read from a source, with where it came from. */
public record Manifest(String source, int document, HasMetadata object) {

  /** {@code Kind/name}, as problems name it. */
  public String reference() {
    return object.getKind() + "/" + object.getMetadata().getName();
  }

  public ManifestProblem problem(FieldError error) {
    return ManifestProblem.of(source, document, reference(), error);
  }
}
