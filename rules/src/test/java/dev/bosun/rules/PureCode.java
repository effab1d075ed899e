package dev.bosun.rules;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.conditions.ArchConditions.accessTargetWhere;
import static com.tngtech.archunit.lang.conditions.ArchConditions.dependOnClassesThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.Console;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Timer;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What pure code may not do: talk to the API server, read the clock, the environment or a random
 * source, do I/O, or start threads. Read from class files, so a call is caught however it is
 * spelled: {@code Instant.now()} needs no import beyond {@code java.time.Instant}, which a pure
 * record may hold.
 *
 * <p>Allowed on purpose: the fabric8 model ({@code io.fabric8.kubernetes.api.model}) and {@code
 * CustomResource}, the model's base class that happens to live in the client's package; resources
 * on the class path (the CRD schemas the compiler validates against ship in the api jar, as much a
 * part of the program as its classes); parallel streams and concurrent maps, whose results are
 * still a function of the input.
 */
final class PureCode {
  private PureCode() {}

  private static final DescribedPredicate<JavaClass> FORBIDDEN_TYPES =
      anyOf(
          "are ",
          List.of(
              resideInAPackage("io.fabric8.kubernetes.client..")
                  .and(not(type(CustomResource.class)))
                  .as("a Kubernetes client"),
              resideInAPackage("io.javaoperatorsdk..").as("the operator framework"),
              types("a clock", Clock.class, InstantSource.class),
              types(
                  "a random source",
                  RandomGenerator.class,
                  Random.class,
                  SecureRandom.class,
                  SplittableRandom.class,
                  ThreadLocalRandom.class),
              resideInAnyPackage("java.nio.channels..", "java.net..")
                  .and(not(simpleNameStartingWith("URI")))
                  .as("a channel or the network"),
              types(
                      "files, the console or processes",
                      Files.class,
                      RandomAccessFile.class,
                      Console.class,
                      ProcessBuilder.class,
                      Process.class)
                  .or(describe("java.io.File*", PureCode::isJavaIoFileType))
                  .as("files, the console or processes"),
              types(
                  "threads",
                  Thread.class,
                  Executor.class,
                  ExecutorService.class,
                  ScheduledExecutorService.class,
                  Executors.class,
                  ForkJoinPool.class,
                  ThreadPoolExecutor.class,
                  CompletableFuture.class,
                  Timer.class)));

  private static final DescribedPredicate<JavaAccess<?>> FORBIDDEN_MEMBERS =
      anyOf(
          "it is ",
          List.of(
              describe(
                  "java.time's now()",
                  access ->
                      access.getTargetOwner().getPackageName().equals("java.time")
                          && access.getName().equals("now")),
              members(System.class, "currentTimeMillis", "nanoTime"),
              members(System.class, "getenv", "getProperty", "getProperties"),
              members(Integer.class, "getInteger"),
              members(Long.class, "getLong"),
              members(Boolean.class, "getBoolean"),
              members(System.class, "in", "out", "err", "console"),
              members(Runtime.class, "exec"),
              members(Math.class, "random"),
              members(StrictMath.class, "random"),
              members(UUID.class, "randomUUID")));

  /**
   * No class that {@code pure} selects, nor any class of Bosun's own that one of them uses (what a
   * pure class calls runs as part of it), touches what pure code may not.
   */
  static ArchRule rule(JavaClasses classes, DescribedPredicate<JavaClass> pure) {
    Set<String> reached = withBosunClassesTheyUse(classes, pure);
    return noClasses()
        .that(describe(pure.getDescription(), c -> reached.contains(c.getName())))
        .should(dependOnClassesThat(FORBIDDEN_TYPES).or(accessTargetWhere(FORBIDDEN_MEMBERS)))
        .because(
            "pure code is a function of its arguments: the caller passes in the time, the"
                + " settings and what it read, and does the writing");
  }

  private static Set<String> withBosunClassesTheyUse(
      JavaClasses classes, DescribedPredicate<JavaClass> pure) {
    Set<String> reached = new HashSet<>();
    Deque<JavaClass> pending = new ArrayDeque<>();
    classes.stream().filter(pure).forEach(pending::add);
    while (!pending.isEmpty()) {
      JavaClass next = pending.pop();
      if (reached.add(next.getName())) {
        for (Dependency used : next.getDirectDependenciesFromSelf()) {
          JavaClass target = used.getTargetClass().getBaseComponentType();
          if (target.getPackageName().startsWith("dev.bosun.")) {
            pending.add(target);
          }
        }
      }
    }
    return reached;
  }

  private static boolean isJavaIoFileType(JavaClass type) {
    return type.getPackageName().equals("java.io") && type.getSimpleName().startsWith("File");
  }

  /** These types by name: classes outside Bosun's are read without their supertypes. */
  private static DescribedPredicate<JavaClass> types(String description, Class<?>... types) {
    Set<String> names = Stream.of(types).map(Class::getName).collect(Collectors.toSet());
    return describe(description, type -> names.contains(type.getName()));
  }

  private static DescribedPredicate<JavaAccess<?>> members(Class<?> owner, String... names) {
    Set<String> named = Set.of(names);
    return describe(
        owner.getSimpleName() + "." + String.join("/", names),
        access ->
            access.getTargetOwner().isEquivalentTo(owner) && named.contains(access.getName()));
  }

  private static <T> DescribedPredicate<T> anyOf(
      String prefix, List<DescribedPredicate<? super T>> predicates) {
    List<String> each = predicates.stream().map(DescribedPredicate::getDescription).toList();
    return describe(
        prefix + String.join(", ", each.subList(0, each.size() - 1)) + " or " + each.getLast(),
        value -> predicates.stream().anyMatch(p -> p.test(value)));
  }
}
