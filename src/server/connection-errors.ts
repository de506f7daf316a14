// What a client gets when node:http refuses its connection before any route sees a request (llhttp's parse errors,
// a head over the header size limit, a request not in within its deadlines): one OpenAI-shaped error naming the
// limit, then the connection closes. Fastify's own handler answers these with a body of its own shape.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '../errors.ts';

export interface ConnectionLimits {
  max_header_bytes: number;
  headers_timeout_ms: number;
  request_timeout_ms: number;
}

export function connectionError(err: NodeJS.ErrnoException & { reason?: string }, limits: ConnectionLimits) {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new GatewayError(
      'request_header_fields_too_large',
      `The request's head is larger than the ${limits.max_header_bytes} byte limit (server.max_header_bytes).`,
    );
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new GatewayError(
      'request_timeout',
      `The request did not arrive in time: its head is due within ${limits.headers_timeout_ms} ms (server.headers_timeout_ms) and all of it within ${limits.request_timeout_ms} ms (server.request_timeout_ms).`,
    );
  return new GatewayError(
    'invalid_http',
    `The request is not valid HTTP/1.1${err.reason ? `: ${err.reason.replace(/[^\x20-\x7e]/g, '')}` : ''}.`,
  );
}

/** Fastify's clientErrorHandler: the error, written on the socket (unless a reply is under way on it), then closed. */
export function connectionErrorHandler(limits: ConnectionLimits) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight) {
      const error = connectionError(err, limits);
      const body = JSON.stringify(error.toBody());
      socket.write(
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
