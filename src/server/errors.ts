// The one place that turns any error into an OpenAI-style error response. Never a stack trace.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, invalidJson, requestTooLarge } from '../errors.ts';

/** Fastify's own errors (body parsing, size limits, content types) as GatewayErrors. */
export function fromFastifyError(err: FastifyError): GatewayError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return requestTooLarge(err.message.match(/\d+/)?.[0] ?? 'configured');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError(400, 'invalid_body', 'The request body is empty; expected a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError(400, 'invalid_body', 'The Content-Length header does not match the body.');
  }
  if (err.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(err.message))) {
    return invalidJson(err.message);
  }
  if (err.validation) return new GatewayError(400, 'invalid_request', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new GatewayError(err.statusCode, 'invalid_request', err.message);
  return undefined;
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return fromFastifyError(err as FastifyError) ?? new GatewayError(500, 'internal_error', 'The server had an error while processing your request.');
}

export function sendError(reply: FastifyReply, err: GatewayError, request?: FastifyRequest): FastifyReply {
  if (err.status >= 500 && request) request.log.error({ code: err.code }, err.message);
  return reply.code(err.status).headers(err.headers).type('application/json').send(err.toBody());
}
