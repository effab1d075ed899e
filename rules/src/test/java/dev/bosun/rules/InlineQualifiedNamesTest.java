package dev.bosun.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import org.junit.jupiter.api.Test;

class InlineQualifiedNamesTest {
  /** The repository, as the build passes it: every module's sources, the benchmarks and scripts. */
  private static final Path REPOSITORY =
      Path.of(System.getProperty("bosun.repository", "..")).normalize();

  @Test
  void noSourceNamesATypeByItsPackageInline() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(REPOSITORY)) {
      sources =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !isBuildOutputOrHidden(REPOSITORY.relativize(f)))
              .toList();
    }
    assertThat(sources).as("Java sources under " + REPOSITORY.toAbsolutePath()).isNotEmpty();
    assertThat(InlineQualifiedNames.inFiles(sources))
        .as("types named by their package inline: import them and use the simple name")
        .isEmpty();
  }

  @Test
  void findsQualifiedNamesInCodeOnly() {
    String source =
        """
        package dev.bosun.example;

        import java.util.List;
        import java.util.Map;

        /** {@link java.util.Map} in javadoc is not code. */
        @java.lang.Deprecated
        class Example {
          java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
          String text = "java.util.Set in a string is not code";

          List<String> sorted(List<String> names, Map.Entry<String, String> entry) {
            // java.util.Comparator in a comment is not code
            return names.stream().sorted(java.util.Comparator.naturalOrder()).toList();
          }
        }
        """;
    assertThat(InlineQualifiedNames.in(List.of(SimpleSource.of("Example.java", source))))
        .extracting(InlineQualifiedNames.Found::line, InlineQualifiedNames.Found::name)
        .containsExactly(
            tuple(7L, "java.lang.Deprecated"),
            tuple(9L, "java.util.concurrent.atomic.AtomicLong"),
            tuple(9L, "java.util.concurrent.atomic.AtomicLong"),
            tuple(14L, "java.util.Comparator"));
  }

  @Test
  void leavesANameThatCollidesWithAnImportedOne() {
    String source =
        """
        package dev.bosun.example;

        import dev.bosun.api.v1alpha1.EnvVar;
        import java.util.List;

        class Example {
          List<io.fabric8.kubernetes.api.model.EnvVar> env(List<EnvVar> env) {
            return List.of();
          }
        }
        """;
    assertThat(InlineQualifiedNames.in(List.of(SimpleSource.of("Example.java", source)))).isEmpty();
  }

  private static boolean isBuildOutputOrHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().equals("target") || part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** A source held in memory, for the tests of the finder itself. */
  private static final class SimpleSource extends SimpleJavaFileObject {
    private final String text;

    private SimpleSource(URI uri, String text) {
      super(uri, Kind.SOURCE);
      this.text = text;
    }

    static JavaFileObject of(String name, String text) {
      return new SimpleSource(URI.create("string:///" + name), text);
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
