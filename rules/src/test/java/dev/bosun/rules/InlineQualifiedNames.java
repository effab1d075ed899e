package dev.bosun.rules;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/**
 * Finds types named by their package inline in code ({@code java.util.Comparator.comparing(…)},
 * {@code new java.util.concurrent.atomic.AtomicLong()}), where an import and the simple name would
 * do. Sources are parsed with the JDK's own parser, so comments, javadoc and string literals are
 * not code, and package and import lines are not looked at.
 *
 * <p>Names are not resolved, so a name counts as qualified when it starts with a lower-case part
 * that is no variable declared in its file and reaches a part that starts with a capital: {@code
 * java.util.List} does, {@code workload.getSpec} and {@code Map.Entry} do not. A qualified name is
 * left alone where its simple name is taken in the file (imported, declared, or a type of the same
 * package) by another type, since Java then has no shorter spelling.
 */
final class InlineQualifiedNames {
  private InlineQualifiedNames() {}

  /** A qualified name at a line of a source; {@code source} is as the file object names it. */
  record Found(String source, long line, String name) {
    @Override
    public String toString() {
      return source + ":" + line + ": " + name;
    }
  }

  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

  static List<Found> inFiles(List<Path> files) {
    return in(
        JAVAC
            .getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)
            .getJavaFileObjectsFromPaths(files));
  }

  /** Every inline qualified name in {@code sources}; fails on a source that does not parse. */
  static List<Found> in(Iterable<? extends JavaFileObject> sources) {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavacTask task = (JavacTask) JAVAC.getTask(null, null, diagnostics, List.of(), null, sources);
    List<CompilationUnitTree> units = new ArrayList<>();
    try {
      task.parse().forEach(units::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Diagnostic<? extends JavaFileObject>> errors =
        diagnostics.getDiagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
            .toList();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("sources that do not parse: " + errors);
    }
    Map<String, Set<String>> typesByPackage = new HashMap<>();
    for (CompilationUnitTree unit : units) {
      Set<String> types = typesByPackage.computeIfAbsent(packageOf(unit), p -> new HashSet<>());
      unit.getTypeDecls().stream()
          .filter(ClassTree.class::isInstance)
          .forEach(type -> types.add(((ClassTree) type).getSimpleName().toString()));
    }
    SourcePositions positions = Trees.instance(task).getSourcePositions();
    List<Found> found = new ArrayList<>();
    for (CompilationUnitTree unit : units) {
      found.addAll(new Source(unit, typesByPackage, positions).qualifiedNames());
    }
    return found;
  }

  private static String packageOf(CompilationUnitTree unit) {
    return unit.getPackageName() == null ? "" : unit.getPackageName().toString();
  }

  /** One source: the names it declares, and a walk over its code. */
  private static final class Source extends TreeScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private final SourcePositions positions;
    private final Set<String> variables = new HashSet<>();
    private final Set<String> takenNames = new HashSet<>();
    private final Set<String> namesInScope = new HashSet<>();
    private final List<Found> found = new ArrayList<>();

    Source(
        CompilationUnitTree unit,
        Map<String, Set<String>> typesByPackage,
        SourcePositions positions) {
      this.unit = unit;
      this.positions = positions;
      String pkg = packageOf(unit);
      for (String type : typesByPackage.get(pkg)) {
        takenNames.add(type);
        namesInScope.add(pkg.isEmpty() ? type : pkg + "." + type);
      }
      for (ImportTree imported : unit.getImports()) {
        if (!imported.isStatic()
            && imported.getQualifiedIdentifier() instanceof MemberSelectTree m) {
          takenNames.add(m.getIdentifier().toString());
          namesInScope.add(m.toString());
        }
      }
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree variable, Void unused) {
          variables.add(variable.getName().toString());
          return super.visitVariable(variable, unused);
        }

        @Override
        public Void visitClass(ClassTree type, Void unused) {
          takenNames.add(type.getSimpleName().toString());
          return super.visitClass(type, unused);
        }
      }.scan(code(), null);
    }

    /** The type declarations: the package line, imports and a module declaration are not code. */
    private List<? extends Tree> code() {
      return unit.getTypeDecls().stream().filter(t -> t.getKind() != Tree.Kind.MODULE).toList();
    }

    List<Found> qualifiedNames() {
      scan(code(), null);
      return found;
    }

    @Override
    public Void visitMemberSelect(MemberSelectTree select, Void unused) {
      List<String> parts = dottedParts(select);
      int type = parts == null ? -1 : firstTypePart(parts);
      if (type < 0) {
        return super.visitMemberSelect(select, unused);
      }
      String name = String.join(".", parts.subList(0, type + 1));
      boolean collides = takenNames.contains(parts.get(type)) && !namesInScope.contains(name);
      if (!collides) {
        long line = unit.getLineMap().getLineNumber(positions.getStartPosition(unit, select));
        found.add(new Found(unit.getSourceFile().getName(), line, name));
      }
      return null;
    }

    /**
     * Where a name like {@code java.util.Map.Entry} has its first type: a part starting with a
     * capital after lower-case ones, the first of which is no variable; -1 for any other name.
     */
    private int firstTypePart(List<String> parts) {
      String first = parts.getFirst();
      if (!Character.isLowerCase(first.charAt(0)) || variables.contains(first)) {
        return -1;
      }
      for (int i = 1; i < parts.size(); i++) {
        if (Character.isUpperCase(parts.get(i).charAt(0))) {
          return i;
        }
      }
      return -1;
    }

    /** The parts of a name made only of identifiers and dots, or null for any other expression. */
    private static List<String> dottedParts(MemberSelectTree select) {
      Deque<String> parts = new ArrayDeque<>();
      Tree part = select;
      while (part instanceof MemberSelectTree member) {
        parts.addFirst(member.getIdentifier().toString());
        part = member.getExpression();
      }
      if (!(part instanceof IdentifierTree first)) {
        return null;
      }
      parts.addFirst(first.getName().toString());
      return List.copyOf(parts);
    }
  }
}
