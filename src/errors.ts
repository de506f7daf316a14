// One error type for everything that reaches a client; src/server/errors.ts turns it into the wire format.
import { z } from 'zod';
import { errorCatalogue, errorTypes, type ErrorCode, type ErrorType } from './error-codes.ts';

export { errorTypes, type ErrorCode, type ErrorType };

/** One problem with the input: the field it concerns (null for the input as a whole) and what is wrong. */
export const errorDetailSchema = z.object({ param: z.string().nullable(), message: z.string() });
export type ErrorDetail = z.infer<typeof errorDetailSchema>;

/** The OpenAI-shaped error body (the API document's Error schema). */
export const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.enum(errorTypes),
    /** The field the error concerns (the first, when several are listed in details). */
    param: z.string().nullable(),
    code: z.string().nullable(),
    /** Every problem, when validation reported several at once (admin input). */
    details: z.array(errorDetailSchema).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

interface ErrorOptions {
  param?: string | null;
  headers?: Record<string, string>;
  details?: ErrorDetail[];
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;
  /** Every problem with the input, when validation found them all at once. */
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    const spec: { status: number; type?: ErrorType } = errorCatalogue[code];
    super(message);
    this.name = 'GatewayError';
    this.status = spec.status;
    this.code = code;
    this.param = opts.param ?? null;
    this.type = spec.type ?? typeForStatus(spec.status);
    this.headers = opts.headers ?? {};
    this.details = opts.details;
  }

  /** An error whose code another system chose (a vendor's rejection, Fastify's own 4xx): its status comes with it. */
  static relayed(status: number, code: string, message: string, opts: ErrorOptions = {}): GatewayError {
    const err = new GatewayError('invalid_request', message, opts);
    Object.assign(err, { status, code, type: typeForStatus(status) });
    return err;
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { message: this.message, type: this.type, param: this.param, code: this.code };
    if (this.details) error.details = this.details;
    return { error };
  }
}

function typeForStatus(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** A body that is not JSON; `detail` is the parser's own message. */
export const invalidJson = (detail: string) =>
  new GatewayError('invalid_json', `We could not parse the JSON body of your request: ${detail}`);

export const requestTooLarge = (limitBytes: number | string) =>
  new GatewayError(
    'request_too_large',
    `The request body is larger than the ${limitBytes} byte limit (server.body_limit_bytes).`,
  );

export const internalError = () =>
  new GatewayError('internal_error', 'The server had an error while processing your request.');
