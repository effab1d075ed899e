package dev.bosun.compiler.manifest;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The tiers a Workload may name, by name. */
public record TierCatalog(Map<String, Tier> tiers) {
  private static final String DEFAULTS = "/dev/bosun/api/tiers/";

  public TierCatalog {
    tiers = Collections.unmodifiableMap(new TreeMap<>(tiers));
  }

  public static TierCatalog of(List<Tier> tiers) {
    Map<String, Tier> byName = new TreeMap<>();
    tiers.forEach(tier -> byName.put(tier.getMetadata().getName(), tier));
    return new TierCatalog(byName);
  }

  /** The catalog shipped in the jar: the files that {@code deploy/tiers/kustomization.yaml} lists. */
  @SuppressWarnings("unchecked")
  public static TierCatalog defaults() {
    Map<String, Object> kustomization = (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(resource("kustomization.yaml"));
    ReadResult read = new ReadResult(List.of(), List.of());
    for (String file : (List<String>) kustomization.get("resources")) {
      read = read.plus(ManifestReader.read(file, resource(file)));
    }
    if (!read.problems().isEmpty()) {
      throw new IllegalStateException("the default tier catalog is invalid: " + read.problems());
    }
    return of(read.objectsOf(Tier.class));
  }

  public Optional<Tier> find(String name) {
    return Optional.ofNullable(tiers.get(name));
  }

  /** The problem of a Workload that names a tier not in the catalog. */
  public Problem missing(String name) {
    return new Problem("spec.size", "tier \"" + name + "\" does not exist" + Suggestions.hint(name, tiers.keySet()));
  }

  public List<Tier> all() {
    return new ArrayList<>(tiers.values());
  }

  private static String resource(String name) {
    try (InputStream in = TierCatalog.class.getResourceAsStream(DEFAULTS + name)) {
      if (in == null) {
        throw new IllegalStateException("the default tier " + name + " is missing from the api jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
