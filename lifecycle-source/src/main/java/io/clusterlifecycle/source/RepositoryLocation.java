package io.clusterlifecycle.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a repository's index is, and how to read it and the archives it names: over HTTP(S) with
 * {@link HttpClient}, or from the file system. Reads are bounded; nothing is cached.
 */
final class RepositoryLocation {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI index;
  private final HttpClient http;

  private RepositoryLocation(URI index, HttpClient http) {
    this.index = index;
    this.http = http;
  }

  /**
   * Resolves a repository's address: an {@code http(s)://} URL, a {@code file:} URI or a path. The
   * index is the address itself when it ends in {@code .yaml}, {@code .yml} or {@code .json}, and
   * {@code index.yaml} under it otherwise.
   *
   * @throws IllegalArgumentException if the address is blank or a URL of another scheme
   */
  static RepositoryLocation of(String urlOrDir) {
    if (urlOrDir.isBlank()) {
      throw new IllegalArgumentException("a repository address is a URL or a directory, not blank");
    }
    URI base;
    String lower = urlOrDir.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("file:")) {
      try {
        base = new URI(urlOrDir);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a valid repository URL: " + e.getMessage(), e);
      }
    } else if (lower.matches("^[a-z][a-z0-9+.-]+://.*")) {
      throw new IllegalArgumentException(
          "a repository is an http://, https:// or file: URL or a directory, not " + urlOrDir);
    } else {
      base = Path.of(urlOrDir).toAbsolutePath().normalize().toUri();
    }
    String path = base.getPath() == null ? "" : base.getPath().toLowerCase(Locale.ROOT);
    URI index;
    if (path.endsWith(".yaml") || path.endsWith(".yml") || path.endsWith(".json")) {
      index = base;
    } else {
      String s = base.toString();
      index = URI.create(s.endsWith("/") ? s : s + "/").resolve("index.yaml");
    }
    return new RepositoryLocation(index, isHttp(index) ? newClient() : null);
  }

  /** The index's address without credentials, for messages. */
  String describe() {
    return redact(index);
  }

  /** Tells whether the index is JSON ({@code .json}) rather than YAML. */
  boolean isJson() {
    return index.getPath() != null && index.getPath().toLowerCase(Locale.ROOT).endsWith(".json");
  }

  /**
   * Reads the index.
   *
   * @throws io.clusterlifecycle.api.error.ValidationException if it is over {@link
   *     Limits#MAX_INDEX_BYTES}
   */
  byte[] readIndex() {
    return read(index, Limits.MAX_INDEX_BYTES, "the index")
        .orElseThrow(
            () ->
                Texts.invalid(
                    "repo " + describe(),
                    "the index is over the limit of "
                        + Limits.MAX_INDEX_BYTES
                        + " bytes (16 MiB)"));
  }

  /**
   * Resolves a URL the index names against the index's address.
   *
   * @return the absolute address, or empty when it is not one this repository may read (a local
   *     file named by a remote index, or a scheme other than http, https and file)
   */
  Optional<URI> resolve(String url) {
    URI uri;
    try {
      uri = index.resolve(new URI(url));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok = isHttp(uri) || (scheme.equals("file") && !isHttp(index));
    return ok ? Optional.of(uri) : Optional.empty();
  }

  /**
   * Reads an archive, at most {@link Limits#MAX_BYTES}.
   *
   * @return the bytes, or empty when there are more
   */
  Optional<byte[]> readArchive(URI uri) {
    return read(uri, Limits.MAX_BYTES, "the archive");
  }

  /** Reads at most {@code limit} bytes; empty when there are more. */
  private Optional<byte[]> read(URI uri, long limit, String what) {
    try (InputStream in = open(uri, what)) {
      return Texts.readAtMost(in, limit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " at " + redact(uri), e);
    }
  }

  private InputStream open(URI uri, String what) throws IOException {
    if (!isHttp(uri)) {
      return Files.newInputStream(Path.of(uri));
    }
    HttpClient client = http != null ? http : newClient();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + what);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("HTTP " + response.statusCode() + " for GET " + redact(uri));
    }
    return response.body();
  }

  /** A client that follows redirects, but never from HTTPS to HTTP. */
  private static HttpClient newClient() {
    return HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  /** The address without user info, query or fragment, which may hold credentials. */
  static String redact(URI uri) {
    if (uri.getRawUserInfo() == null && uri.getRawQuery() == null) {
      return uri.toString();
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost() + "/...";
    }
  }
}
