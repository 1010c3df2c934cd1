package org.deepline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A loopback port nothing listens on: one the system just gave out and took back, for a source
 * that must fail as a user's would when its server is down ({@code Connection refused}).
 */
public final class ClosedPort {
  private ClosedPort() {}

  public static int take() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
