// What a client sees when upstreams fail: 502/503/504 (or the vendor's own 4xx about the request), never a 500.
import { GatewayError } from '../errors.ts';
import type { JsonObject } from '../wire/json.ts';
import { UpstreamError } from '../providers/types.ts';

/** Worth trying again (here or on another deployment): the request itself was not at fault. */
export function isRetryable(err: UpstreamError): boolean {
  if (err.kind === 'aborted') return false;
  if (err.kind === 'status') return err.status === 429 || err.status === 408 || (err.status ?? 500) >= 500;
  return true;
}

/** An upstream failure (or anything thrown while calling one) as the error the client gets. */
export function fromUpstreamFailure(err: unknown, model: string): GatewayError {
  if (err instanceof GatewayError) return err;
  if (!(err instanceof UpstreamError))
    return new GatewayError('upstream_error', `The upstream for '${model}' failed unexpectedly.`);
  switch (err.kind) {
    case 'timeout':
      return new GatewayError('upstream_timeout', `The upstream for '${model}' did not answer in time.`);
    case 'connect':
      return new GatewayError('upstream_unreachable', `The upstream for '${model}' could not be reached.`);
    case 'protocol':
      return new GatewayError('upstream_invalid_response', `The upstream for '${model}' sent an invalid response.`);
    case 'aborted':
      return new GatewayError('client_closed_request', 'The client closed the request.');
    case 'status': {
      const status = err.status ?? 502;
      // 429, and Anthropic's 529 overloaded_error (as an HTTP status, or an error event in a stream): over capacity.
      if (status === 429 || status === 529) {
        const headers: Record<string, string> =
          err.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) } : {};
        return new GatewayError('upstream_overloaded', `The upstream for '${model}' is over capacity; retry shortly.`, {
          headers,
        });
      }
      if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 404) {
        // The vendor rejected the request itself (e.g. context too long): pass its reason on, at a readable length.
        const vendor = (err.body?.error as JsonObject | undefined) ?? {};
        const message =
          typeof vendor.message === 'string'
            ? clip(vendor.message, 2_000)
            : `The upstream rejected the request (${status}).`;
        const param = typeof vendor.param === 'string' ? clip(vendor.param, 200) : null;
        return GatewayError.relayed(
          status === 413 ? 413 : 400,
          typeof vendor.code === 'string' ? clip(vendor.code, 100) : 'upstream_rejected',
          message,
          { param },
        );
      }
      return new GatewayError('upstream_error', `The upstream for '${model}' failed (${status}).`);
    }
  }
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
