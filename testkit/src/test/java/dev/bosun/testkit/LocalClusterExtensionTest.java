package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalClusterExtensionTest {

  private ExtensionContext context;

  @RegisterExtension final BeforeEachCallback captureContext = c -> context = c;

  @Test
  void aVeryLongTestMethodNameThatWouldNotFitInTheSixtyThreeCharactersOfANamespaceName(
      TestInfo info) {
    String name = LocalClusterExtension.namespaceName(context);

    assertThat(name)
        .hasSizeLessThanOrEqualTo(63)
        .startsWith("t-a-very-long-test-method-name")
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  }

  @Test
  void namespacesOfTheSameTestDiffer() {
    assertThat(LocalClusterExtension.namespaceName(context))
        .startsWith("t-namespaces-of-the-same-test-differ-")
        .isNotEqualTo(LocalClusterExtension.namespaceName(context));
  }
}
