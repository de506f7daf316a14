// How an upstream exchange failed below HTTP: the pool's errors, with the socket's own code when there was one.
export type TransportErrorCode = 'CONNECT_FAILED' | 'CONNECT_TIMEOUT' | 'HEADERS_TIMEOUT' | 'BODY_TIMEOUT' | 'CLOSED' | 'PROTOCOL' | 'POOL_CLOSED' | 'INVALID_REQUEST';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** The socket's own error code (ECONNREFUSED, ECONNRESET, ...), when there was one. */
    readonly socketCode?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
