// Transport failures and vendor statuses as UpstreamError, the one error the router knows how to retry.
import { TransportError } from './http1/pool.ts';
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
  const transport = e instanceof TransportError ? e : undefined;
  const code = transport?.code;
  if (code === 'HEADERS_TIMEOUT' || code === 'BODY_TIMEOUT' || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new UpstreamError('timeout', `${provider}: timed out (${code ?? e.name})`);
  }
  const socketCode = transport ? transport.socketCode : e.code;
  if (code === 'CONNECT_TIMEOUT' || code === 'CONNECT_FAILED' || socketCode === 'ECONNREFUSED' || socketCode === 'ENOTFOUND' || socketCode === 'EHOSTUNREACH') {
    return new UpstreamError('connect', `${provider}: cannot connect (${socketCode ?? code ?? e.name})`);
  }
  if (code === 'PROTOCOL') return new UpstreamError('protocol', `${provider}: ${e.message}`);
  if (phase === 'body') return new UpstreamError('protocol', `${provider}: connection lost mid-response (${socketCode ?? e.message ?? 'unknown'})`);
  return new UpstreamError('connect', `${provider}: connection failed (${socketCode ?? e.message ?? 'unknown'})`);
}
