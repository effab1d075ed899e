import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the classes of a jar that are older than Java 8 as Java 8 class files, with the stack
 * maps the JDK's class file API computes for them. The JDK's AOT cache does not keep linked classes
 * older than Java 6, and picocli is built for Java 5: without this, {@code bosun} loads, verifies
 * and links picocli's 200 classes again on every run, a fifth of a short command's time. The code
 * is unchanged; only the class file version and the stack maps are new.
 *
 * <p>Run by the build ({@code cli/pom.xml}) with the JDK's source launcher: {@code java
 * UpgradeClassFiles.java JAR}; the jar is replaced, and a second run changes nothing.
 */
public final class UpgradeClassFiles {
  private static final int JAVA_8 = ClassFile.JAVA_8_VERSION;

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java UpgradeClassFiles.java JAR");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Path upgraded = jar.resolveSibling(jar.getFileName() + ".upgrading");
    int count;
    try (var classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      // Stack maps need the class hierarchy: the JDK's, then the jar's own classes.
      ClassFile classFile =
          ClassFile.of(
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.defaultResolver()
                      .orElse(ClassHierarchyResolver.ofResourceParsing(classes))));
      count = rewrite(jar, upgraded, classFile);
    }
    if (count == 0) {
      Files.delete(
          upgraded); // upgraded already: leave the jar (and the AOT cache that names it) as it is
    } else {
      Files.move(
          upgraded, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println(
        jar.getFileName() + ": " + count + " classes rewritten as Java 8 class files");
  }

  private static int rewrite(Path jar, Path upgraded, ClassFile classFile) throws IOException {
    int count = 0;
    try (var in = new ZipInputStream(Files.newInputStream(jar));
        var out = new ZipOutputStream(Files.newOutputStream(upgraded))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        byte[] bytes = in.readAllBytes();
        if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
          ClassModel model = classFile.parse(bytes);
          if (model.majorVersion() < JAVA_8) {
            bytes = classFile.transformClass(model, asJava8());
            count++;
          }
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    } catch (IllegalArgumentException e) {
      Files.deleteIfExists(upgraded);
      throw new UncheckedIOException(
          new IOException(jar + ": cannot rewrite: " + e.getMessage(), e));
    }
    return count;
  }

  /** Every method body rebuilt (so that its stack maps are computed), the version set to Java 8. */
  private static ClassTransform asJava8() {
    ClassTransform withoutVersion =
        (builder, element) -> {
          if (!(element instanceof ClassFileVersion)) {
            builder.with(element);
          }
        };
    return ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
        .andThen(withoutVersion)
        .andThen(ClassTransform.endHandler(builder -> builder.withVersion(JAVA_8, 0)));
  }
}
