package dev.bosun.testkit;

/** The namespace {@link LocalClusterExtension} created for the running test, deleted after it. */
public record TestNamespace(String name) {}
