// Transport failures and vendor statuses as UpstreamError, the one error the router knows how to retry.
import { undiciErrors } from './undici.ts';
import { UpstreamError } from './types.ts';
import type { CancelSignal } from '../wire/cancel.ts';

export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

type TransportFailure = Error & { code?: unknown };

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** undici's own deadlines, and ours (the exchange aborts with a TimeoutError; a stopped reader with an AbortError). */
function isTimeout(e: TransportFailure): boolean {
  return (
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e.name === 'TimeoutError' ||
    e.name === 'AbortError'
  );
}

function isUnreachable(e: TransportFailure): boolean {
  return e instanceof undiciErrors.ConnectTimeoutError || (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code));
}

/** A reply llhttp or undici refused as HTTP: bad framing, a length that does not add up, a 100 never asked for. */
function isMalformedReply(e: TransportFailure): boolean {
  if (
    e instanceof undiciErrors.HTTPParserError ||
    e instanceof undiciErrors.ResponseContentLengthMismatchError ||
    e instanceof undiciErrors.ResponseExceededMaxSizeError
  )
    return true;
  // undici closes the socket with these SocketErrors for a 1xx or upgrade it did not ask for.
  return e instanceof undiciErrors.SocketError && (e.message === 'bad response' || e.message === 'bad upgrade');
}

/** The socket's own code (ECONNRESET, ...) where there is one, else undici's message. */
function detail(e: TransportFailure): string {
  return typeof e.code === 'string' && !e.code.startsWith('UND_ERR') ? e.code : e.message || e.name || 'unknown';
}

export function toUpstreamError(
  err: unknown,
  provider: string,
  clientSignal: CancelSignal,
  phase: 'request' | 'body' = 'request',
): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (clientSignal.aborted) return new UpstreamError('aborted', `${provider}: client went away`);
  const e: TransportFailure = err instanceof Error ? err : new Error(String(err));
  if (isTimeout(e)) return new UpstreamError('timeout', `${provider}: timed out (${e.message})`);
  if (isUnreachable(e)) return new UpstreamError('connect', `${provider}: cannot connect (${detail(e)})`);
  if (isMalformedReply(e)) return new UpstreamError('protocol', `${provider}: malformed reply (${e.message})`);
  if (phase === 'body')
    return new UpstreamError('protocol', `${provider}: connection lost mid-response (${detail(e)})`);
  return new UpstreamError('connect', `${provider}: connection failed (${detail(e)})`);
}
