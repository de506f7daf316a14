// The one place that turns any error into an error response, in the caller's wire format (OpenAI's by default,
// Anthropic's on its surface). Never a stack trace.
import type { FastifyError } from 'fastify';
import { GatewayError, internalError, invalidJson, requestTooLarge } from '../errors.ts';
import type { ReplyChannel } from './reply-channel.ts';

/** Fastify's own errors (body parsing, size limits, content types) as GatewayErrors. */
export function fromFastifyError(err: FastifyError): GatewayError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return requestTooLarge(err.message.match(/\d+/)?.[0] ?? 'configured');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        'unsupported_media_type',
        'Send the request body as JSON with Content-Type: application/json.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_body', 'The request body is empty; expected a JSON object.');
    case 'FST_ERR_BAD_URL':
      return new GatewayError('invalid_url', 'The request URL is not valid: it holds a malformed percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new GatewayError('url_too_long', 'A segment of the request URL is longer than any id the API takes.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('invalid_body', 'The Content-Length header does not match the body.');
  }
  if (err.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(err.message))) {
    return invalidJson(err.message);
  }
  if (err.validation) return new GatewayError('invalid_request', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return GatewayError.relayed(err.statusCode, 'invalid_request', err.message);
  return undefined;
}

/** A request body's JSON (undefined when empty); a body that is not JSON throws invalid_json with the parser's reason. */
export function parseBodyJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch (err) {
    throw invalidJson((err as Error).message);
  }
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return fromFastifyError(err as FastifyError) ?? internalError();
}

/** How an error's body is written: the surface's format, or OpenAI's. */
export type ErrorFormat = (err: GatewayError) => unknown;
const openaiErrorFormat: ErrorFormat = (err) => err.toBody();

/** Writes `err` as the whole reply. `headers` are the stage's own (rate-limit headers and the like). */
export function writeError(
  res: ReplyChannel,
  err: GatewayError,
  format: ErrorFormat = openaiErrorFormat,
  headers?: Record<string, string>,
): void {
  const body = JSON.stringify(format(err));
  res.writeHead(err.status, {
    ...headers,
    ...err.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
