package dev.bosun.localcluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The processes {@code bosun dev} starts in the background (the operator, say), each recorded in
 * {@code <home>/processes/<name>.properties} with its pid and start time, so that {@code bosun dev
 * down} stops what it started and nothing else: a pid the system has given to another process since
 * does not have the recorded start time.
 */
public final class BackgroundProcesses {

  private static final String PID = "pid";
  private static final String STARTED_AT = "startedAt";
  private static final String SUFFIX = ".properties";

  private final Path home;

  public BackgroundProcesses(Path home) {
    this.home = home.toAbsolutePath();
  }

  /** The processes of the cluster at {@link LocalCluster#defaultHome()}. */
  public static BackgroundProcesses atDefaultHome() {
    return new BackgroundProcesses(LocalCluster.defaultHome());
  }

  /** A recorded process that still runs. */
  public record Running(String name, long pid, Path log) {}

  public Path log(String name) {
    return home.resolve(name + ".log");
  }

  private Path records() {
    return home.resolve("processes");
  }

  private Path record(String name) {
    return records().resolve(name + SUFFIX);
  }

  /**
   * Starts {@code command} with no input and its output in {@link #log(String)} (a fresh one, so
   * that what it shows is this run's), records it under {@code name}, and returns it. It keeps
   * running when this JVM exits.
   */
  public Running start(String name, List<String> command) {
    return start(name, command, Map.of());
  }

  /** {@link #start(String, List)} with {@code environment} added to this process's. */
  public Running start(String name, List<String> command, Map<String, String> environment) {
    Path log = log(name);
    Process process;
    try {
      Files.createDirectories(records());
      var builder =
          new ProcessBuilder(command)
              .redirectInput(Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(Redirect.to(log.toFile()))
              .redirectErrorStream(true);
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
    var record = new Properties();
    record.setProperty(PID, Long.toString(process.pid()));
    process
        .info()
        .startInstant()
        .ifPresent(start -> record.setProperty(STARTED_AT, start.toString()));
    try (OutputStream out = Files.newOutputStream(record(name))) {
      // The command line, as a comment for whoever reads the file.
      record.store(out, String.join(" ", command));
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException("cannot record " + name + " in " + record(name), e);
    }
    return new Running(name, process.pid(), log);
  }

  /**
   * Waits until {@code ready} says the process {@link #start started} as {@code started} is ready,
   * and returns empty; if it exits first or is not ready within {@code within}, stops it and
   * returns why, with the end of its log.
   *
   * @param awaited what readiness means, for the message: "the operator answering on /healthz"
   */
  public Optional<String> awaitReady(
      Running started, String awaited, Duration within, Duration grace, BooleanSupplier ready) {
    try {
      Poll.until(
          awaited,
          within,
          Duration.ofMillis(250),
          () -> {
            if (running(started.name()).isEmpty()) {
              throw new IllegalStateException(started.name() + " exited");
            }
            return ready.getAsBoolean();
          });
      return Optional.empty();
    } catch (IllegalStateException | Poll.TimeoutException e) {
      stop(started.name(), grace);
      return Optional.of(
          e.getMessage()
              + ". The end of its log, "
              + started.log()
              + ":\n"
              + LogFiles.tail(started.log(), 10));
    }
  }

  /** The process recorded under {@code name}, if it still runs; a stale record is removed. */
  public Optional<Running> running(String name) {
    return recordedProcess(name).map(handle -> new Running(name, handle.pid(), log(name)));
  }

  /** Every recorded process that still runs, by name. */
  public List<Running> running() {
    return names().stream().flatMap(name -> running(name).stream()).toList();
  }

  /**
   * Stops every recorded process that still runs (see {@link #stop}) and returns what it stopped;
   * every record is removed.
   */
  public List<Running> stopAll(Duration grace) {
    return names().stream().flatMap(name -> stop(name, grace).stream()).toList();
  }

  /**
   * Stops the process recorded under {@code name} if it still runs: SIGTERM, then SIGKILL if it is
   * still alive after {@code grace}. The record is removed either way.
   */
  public Optional<Running> stop(String name, Duration grace) {
    Optional<Running> stopped =
        recordedProcess(name)
            .map(
                handle -> {
                  stop(handle, grace);
                  return new Running(name, handle.pid(), log(name));
                });
    forget(name);
    return stopped;
  }

  private static void stop(ProcessHandle handle, Duration grace) {
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      handle.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot wait for pid " + handle.pid(), e);
    } catch (InterruptedException e) {
      handle.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The live process a record names, if it is the one recorded: a pid and a start time name one
   * process. Anything else (the process exited, or its pid was reused) makes the record stale.
   */
  private Optional<ProcessHandle> recordedProcess(String name) {
    var record = new Properties();
    try (InputStream in = Files.newInputStream(record(name))) {
      record.load(in);
      long pid = Long.parseLong(record.getProperty(PID, ""));
      Optional<ProcessHandle> handle =
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .filter(live -> sameStart(live, record.getProperty(STARTED_AT)));
      if (handle.isEmpty()) {
        forget(name);
      }
      return handle;
    } catch (IOException | NumberFormatException | DateTimeParseException e) {
      forget(name);
      return Optional.empty();
    }
  }

  private static boolean sameStart(ProcessHandle live, String recorded) {
    return recorded == null
        || live.info().startInstant().map(Instant.parse(recorded)::equals).orElse(false);
  }

  private void forget(String name) {
    try {
      Files.deleteIfExists(record(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + record(name), e);
    }
  }

  private List<String> names() {
    if (!Files.isDirectory(records())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(records())) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(file -> file.endsWith(SUFFIX))
          .map(file -> file.substring(0, file.length() - SUFFIX.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + records(), e);
    }
  }
}
