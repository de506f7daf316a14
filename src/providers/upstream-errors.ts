// Transport failures and vendor statuses as UpstreamError, the one error the router knows how to retry.
import { errors as undiciErrors } from 'undici';
import { UpstreamError, type CancelSignal } from './types.ts';

export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export function toUpstreamError(err: unknown, provider: string, clientSignal: CancelSignal, phase: 'request' | 'body' = 'request'): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (clientSignal.aborted) return new UpstreamError('aborted', `${provider}: client went away`);
  const e = err as { code?: string; name?: string; message?: string };
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new UpstreamError('timeout', `${provider}: timed out (${e.code ?? e.name})`);
  }
  if (e instanceof undiciErrors.ConnectTimeoutError || e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') {
    return new UpstreamError('connect', `${provider}: cannot connect (${e.code ?? e.name})`);
  }
  if (phase === 'body') return new UpstreamError('protocol', `${provider}: connection lost mid-response (${e.code ?? e.message ?? 'unknown'})`);
  return new UpstreamError('connect', `${provider}: connection failed (${e.code ?? e.message ?? 'unknown'})`);
}
