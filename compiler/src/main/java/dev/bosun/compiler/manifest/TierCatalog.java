package dev.bosun.compiler.manifest;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.FieldError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The tiers a Workload may name, by name. The default catalog, shipped in the jar, reads a tier's
 * file only when the tier is first asked for: a render names one or two of them.
 */
public final class TierCatalog {
  private static final String DEFAULTS = "/dev/bosun/api/tiers/";
  private static final String SUFFIX = ".yaml";

  private final SortedSet<String> names;
  private final Function<String, Tier> source;
  private final Map<String, Tier> read = new ConcurrentHashMap<>();

  private TierCatalog(Collection<String> names, Function<String, Tier> source) {
    this.names = Collections.unmodifiableSortedSet(new TreeSet<>(names));
    this.source = source;
  }

  public static TierCatalog of(List<Tier> tiers) {
    Map<String, Tier> byName = new TreeMap<>();
    tiers.forEach(tier -> byName.put(tier.getMetadata().getName(), tier));
    return new TierCatalog(byName.keySet(), byName::get);
  }

  /**
   * The catalog shipped in the jar: the files that {@code deploy/tiers/kustomization.yaml} lists,
   * each named after the tier it holds.
   */
  @SuppressWarnings("unchecked")
  public static TierCatalog defaults() {
    Map<String, Object> kustomization =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build()).loadFromString(resource("kustomization.yaml"));
    List<String> names =
        ((List<String>) kustomization.get("resources"))
            .stream().map(file -> file.substring(0, file.length() - SUFFIX.length())).toList();
    return new TierCatalog(names, TierCatalog::readDefault);
  }

  private static Tier readDefault(String name) {
    String file = name + SUFFIX;
    ReadResult read = ManifestReader.readBuiltIn(file, resource(file));
    List<Tier> tiers = read.objectsOf(Tier.class);
    if (!read.problems().isEmpty()
        || tiers.size() != 1
        || !tiers.getFirst().getMetadata().getName().equals(name)) {
      throw new IllegalStateException(
          "the default tier file "
              + file
              + " must hold exactly the valid Tier "
              + name
              + (read.problems().isEmpty() ? "" : ": " + read.problems()));
    }
    return tiers.getFirst();
  }

  public Optional<Tier> find(String name) {
    return names.contains(name)
        ? Optional.of(read.computeIfAbsent(name, source))
        : Optional.empty();
  }

  /** The problem of a Workload that names a tier not in the catalog. */
  public FieldError missing(String name) {
    return new FieldError(
        "spec.size", "tier \"" + name + "\" does not exist" + Suggestions.hint(name, names));
  }

  /** Every tier, by name. */
  public List<Tier> all() {
    return names.stream().map(name -> find(name).orElseThrow()).toList();
  }

  private static String resource(String name) {
    try (InputStream in = TierCatalog.class.getResourceAsStream(DEFAULTS + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the default tier " + name + " is missing from the api jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
