package dev.bosun.router;

/** A request the router answers itself, with a status and a one-line reason for the body. */
public record Rejection(int status, String reason) {}
