package dev.bosun.mcp;

import dev.bosun.mcp.guard.AgentIdentity;
import dev.bosun.router.TokenReviewer;
import java.util.Optional;

/** HTTP sessions' agents: the user the API server's TokenReview finds for a bearer token. */
public record TokenAgents(TokenReviewer reviewer) implements HttpTransport.Authenticator {
  @Override
  public Optional<AgentIdentity> agent(String token) {
    return reviewer
        .user(token)
        .map(user -> new AgentIdentity(user.getUsername(), user.getGroups()));
  }
}
