package dev.tracklight.connectors.kvs;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a KVS camera's live media (GetMedia): the body is a stream of MKV fragments that the
 * service ends now and then. An interface so that the reader's resume and fault handling does not
 * depend on the SDK ({@link KvsMediaApi} is the AWS one).
 */
public interface KvsMedia extends AutoCloseable {

  /** Starts a GetMedia at {@code selector}; closing the stream ends the request. */
  InputStream getMedia(KvsSelector selector) throws IOException;

  @Override
  void close();
}
