package dev.bosun.router;

/** One header field, its name as sent and its value without surrounding whitespace. */
public record Header(String name, String value) {
  public boolean named(String other) {
    return name.equalsIgnoreCase(other);
  }
}
