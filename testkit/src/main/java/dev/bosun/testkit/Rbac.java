package dev.bosun.testkit;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * RBAC a test grants one subject: a ClusterRole or a Role with its binding of the same name, each
 * returning what deletes it again (a test's agents, impersonated users and ServiceAccounts).
 */
public final class Rbac {
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

  private Rbac() {}

  public static Subject serviceAccount(String namespace, String name) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withNamespace(namespace)
        .withName(name)
        .build();
  }

  public static Subject user(String name) {
    return new SubjectBuilder().withApiGroup(RBAC_GROUP).withKind("User").withName(name).build();
  }

  public static PolicyRule rule(String apiGroup, List<String> resources, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroup)
        .withResources(resources)
        .withVerbs(verbs)
        .build();
  }

  /** A ClusterRole of {@code rules} bound cluster-wide to {@code subject}; returns its deletion. */
  public static Runnable clusterRole(
      KubernetesClient admin, String name, Subject subject, PolicyRule... rules) {
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withRules(rules)
                .build())
        .serverSideApply();
    Runnable unbind = clusterRoleBinding(admin, name, name, subject);
    return () -> {
      unbind.run();
      admin.rbac().clusterRoles().withName(name).delete();
    };
  }

  /**
   * An existing ClusterRole bound cluster-wide to {@code subject} under {@code name}; returns its
   * deletion.
   */
  public static Runnable clusterRoleBinding(
      KubernetesClient admin, String name, String clusterRole, Subject subject) {
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewRoleRef(RBAC_GROUP, "ClusterRole", clusterRole)
                .withSubjects(subject)
                .build())
        .serverSideApply();
    return () -> admin.rbac().clusterRoleBindings().withName(name).delete();
  }

  /**
   * An existing ClusterRole bound in {@code namespace} to {@code subject}, the binding named after
   * the role (as a platform team grants a shipped role per namespace).
   */
  public static void roleBinding(
      KubernetesClient admin, String namespace, String clusterRole, Subject subject) {
    bind(admin, namespace, clusterRole, "ClusterRole", subject);
  }

  /** A Role of {@code rules} in {@code namespace} bound there to {@code subject}. */
  public static void role(
      KubernetesClient admin, String namespace, String name, Subject subject, PolicyRule... rules) {
    admin
        .rbac()
        .roles()
        .inNamespace(namespace)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withRules(rules)
                .build())
        .serverSideApply();
    bind(admin, namespace, name, "Role", subject);
  }

  /** A RoleBinding in {@code namespace}, named after its role, of the role to {@code subject}. */
  private static void bind(
      KubernetesClient admin, String namespace, String role, String roleKind, Subject subject) {
    admin
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(role)
                .endMetadata()
                .withNewRoleRef(RBAC_GROUP, roleKind, role)
                .withSubjects(subject)
                .build())
        .serverSideApply();
  }
}
