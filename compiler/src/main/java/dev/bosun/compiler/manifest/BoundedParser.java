package dev.bosun.compiler.manifest;

import static dev.bosun.compiler.manifest.ManifestLimits.count;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.DocumentStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML parser's events, held to {@link ManifestLimits} before the composer builds nodes from
 * them: documents, nodes and aliases per call, nesting depth and scalar length. A limit passed is a
 * {@link LimitExceededException} at the event that passed it.
 *
 * <p>An alias counts as what it repeats (its nodes, the aliases inside it, its depth): the
 * validator, the binder and the writer walk a document with its aliases expanded, so that is the
 * size the limits hold. An alias inside the collection it names would make that walk endless, and
 * is refused too.
 */
final class BoundedParser implements Parser {
  /** What a node adds to the collection that holds it, aliases expanded; an alias repeats it. */
  private record Expansion(int nodes, int aliases, int depth) {
    static final Expansion SCALAR = new Expansion(1, 0, 0);

    /** What an alias to this node adds: the node again, and the alias itself. */
    Expansion aliased() {
      return new Expansion(nodes, aliases + 1, depth);
    }
  }

  /** A sequence or mapping not yet ended: its anchor, and what it holds so far. */
  private static final class Open {
    final Optional<Anchor> anchor;
    int nodes = 1;
    int aliases;
    int depth = 1;

    Open(Optional<Anchor> anchor) {
      this.anchor = anchor;
    }

    void add(Expansion child) {
      nodes += child.nodes();
      aliases += child.aliases();
      depth = Math.max(depth, child.depth() + 1);
    }

    Expansion expansion() {
      return new Expansion(nodes, aliases, depth);
    }
  }

  private final Parser parser;
  private final ManifestLimits.Usage before;
  private final Deque<Open> open = new ArrayDeque<>();
  private final Map<Anchor, Expansion> anchors = new HashMap<>();
  private int documents;
  private int nodes;
  private int aliases;

  /** {@code before}: what earlier inputs of the call used, which counts toward its limits. */
  BoundedParser(Parser parser, ManifestLimits.Usage before) {
    this.parser = parser;
    this.before = before;
    this.documents = before.documents();
    this.nodes = before.nodes();
    this.aliases = before.aliases();
  }

  /** What this input's events used of the call's limits. */
  ManifestLimits.Usage used() {
    return new ManifestLimits.Usage(
        documents - before.documents(), nodes - before.nodes(), aliases - before.aliases());
  }

  @Override
  public Event next() {
    Event event = parser.next();
    switch (event) {
      case DocumentStartEvent _ -> {
        anchors.clear();
        if (++documents > ManifestLimits.MAX_DOCUMENTS) {
          throw refused(
              event,
              "more than "
                  + count(ManifestLimits.MAX_DOCUMENTS)
                  + " YAML documents in one call, the limit; split the input over several calls");
        }
      }
      case ScalarEvent scalar -> {
        int length = scalar.getValue().length();
        if (length > ManifestLimits.MAX_SCALAR_CHARS) {
          throw refused(
              event,
              "a scalar of "
                  + count(length)
                  + " characters is longer than the limit of "
                  + count(ManifestLimits.MAX_SCALAR_CHARS)
                  + ", which cannot be raised");
        }
        countNodes(1, event);
        ended(scalar.getAnchor(), Expansion.SCALAR);
      }
      case CollectionStartEvent start -> {
        if (open.size() + 1 > ManifestLimits.MAX_NESTING_DEPTH) {
          throw deeperThanLimit(event);
        }
        countNodes(1, event);
        open.push(new Open(start.getAnchor()));
      }
      case CollectionEndEvent _ -> {
        Open collection = open.pop();
        ended(collection.anchor, collection.expansion());
      }
      case AliasEvent alias -> aliased(alias);
      default -> {}
    }
    return event;
  }

  /** A scalar or a collection is complete: its parent holds it, and its anchor names it. */
  private void ended(Optional<Anchor> anchor, Expansion node) {
    if (!open.isEmpty()) {
      open.peek().add(node);
    }
    anchor.ifPresent(name -> anchors.put(name, node));
  }

  private void aliased(AliasEvent alias) {
    Anchor anchor = alias.getAlias();
    if (open.stream().anyMatch(collection -> collection.anchor.equals(Optional.of(anchor)))) {
      throw refused(
          alias,
          "the alias *"
              + anchor.getValue()
              + " is inside the collection it names, which would repeat without end");
    }
    Expansion repeated = anchors.get(anchor);
    if (repeated == null) {
      return; // the composer reports an undefined alias
    }
    aliases += repeated.aliased().aliases();
    if (aliases > ManifestLimits.MAX_ALIASES) {
      throw refused(
          alias,
          "the alias *"
              + anchor.getValue()
              + " passes the limit of "
              + count(ManifestLimits.MAX_ALIASES)
              + " aliases in one call (an alias inside an aliased collection counts each time"
              + " the collection is repeated); write the values out, or split the input over"
              + " several calls");
    }
    if (open.size() + repeated.depth() > ManifestLimits.MAX_NESTING_DEPTH) {
      throw deeperThanLimit(alias);
    }
    countNodes(repeated.nodes(), alias);
    if (!open.isEmpty()) {
      open.peek().add(repeated.aliased());
    }
  }

  private void countNodes(int added, Event event) {
    nodes += added;
    if (nodes > ManifestLimits.MAX_NODES) {
      throw refused(
          event,
          "more than "
              + count(ManifestLimits.MAX_NODES)
              + " YAML nodes in one call, the limit (aliases count as the nodes they repeat);"
              + " split the input over several calls");
    }
  }

  private static LimitExceededException deeperThanLimit(Event event) {
    return refused(
        event,
        "nested deeper than "
            + ManifestLimits.MAX_NESTING_DEPTH
            + " levels (aliases expanded), the limit, which cannot be raised; Bosun objects are a"
            + " few levels deep");
  }

  private static LimitExceededException refused(Event event, String message) {
    Optional<Mark> mark = event.getStartMark();
    return new LimitExceededException(
        message,
        mark.map(m -> m.getLine() + 1).orElse(0),
        mark.map(m -> m.getColumn() + 1).orElse(0));
  }

  @Override
  public boolean checkEvent(Event.ID id) {
    return parser.checkEvent(id);
  }

  @Override
  public Event peekEvent() {
    return parser.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return parser.hasNext();
  }
}
