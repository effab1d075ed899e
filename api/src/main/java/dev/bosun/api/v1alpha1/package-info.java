/**
 * Bosun's API, group {@code bosun.dev}, version {@code v1alpha1}.
 *
 * <p>Specs are immutable records: the compiler reads them and never writes them. The CRD YAML in
 * {@code deploy/crds/} is generated from these classes; the annotations here are the single source
 * of the schema's types, enums, patterns, defaults and CEL rules.
 */
package dev.bosun.api.v1alpha1;
