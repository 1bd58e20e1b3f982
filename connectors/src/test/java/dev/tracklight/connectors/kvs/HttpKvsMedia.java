package dev.tracklight.connectors.kvs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * GetMedia against {@code KvsTestServer} with the JDK's HTTP client: the reader's tests here run
 * without the control plane (moto); the SDK path ({@link KvsMediaApi}, GetDataEndpoint on moto) is
 * tested end to end by the pipeline's KVS job tests.
 */
final class HttpKvsMedia implements KvsMedia {

  private final HttpClient client = HttpClient.newHttpClient();
  private final String endpoint;
  private final String stream;

  HttpKvsMedia(String endpoint, String stream) {
    this.endpoint = endpoint;
    this.stream = stream;
  }

  @Override
  public InputStream getMedia(KvsSelector selector) throws IOException {
    String start = switch (selector.type()) {
      case CONTINUATION_TOKEN -> ",\"ContinuationToken\":\"" + selector.value() + "\"";
      case FRAGMENT_NUMBER -> ",\"AfterFragmentNumber\":\"" + selector.value() + "\"";
      case PRODUCER_TIMESTAMP -> ",\"StartTimestamp\":" + selector.at().toEpochMilli() / 1000.0;
      default -> "";
    };
    String body = "{\"StreamName\":\"" + stream + "\",\"StartSelector\":{\"StartSelectorType\":\""
        + selector.type() + "\"" + start + "}}";
    try {
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(endpoint + "/getMedia"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String error = new String(response.body().readAllBytes());
        throw new IOException("GetMedia: HTTP " + response.statusCode() + " " + error);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  @Override
  public void close() {}
}
