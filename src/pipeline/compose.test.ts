import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.ts';
import { compose, runDeferred } from './compose.ts';
import type { RequestContext } from './context.ts';

const ctx = () => ({ deferred: [], afterDelivery: [], headers: {} }) as unknown as RequestContext;

describe('pipeline runner', () => {
  it('runs stages in order, sync and async, and stops at the first throw', async () => {
    const seen: string[] = [];
    const run = compose([
      () => void seen.push('a'),
      async () => void seen.push('b'),
      () => {
        throw new Error('denied');
      },
      () => void seen.push('never'),
    ]);
    await expect(run(ctx())).rejects.toThrow('denied');
    expect(seen).toEqual(['a', 'b']);
  });

  it('runs deferred work last-registered-first, even when one fails', async () => {
    const c = ctx();
    const seen: number[] = [];
    c.deferred.push(() => void seen.push(1), () => { throw new Error('x'); }, async () => void seen.push(3));
    const errors: unknown[] = [];
    await runDeferred(c.deferred, (e) => errors.push(e));
    expect(seen).toEqual([3, 1]);
    expect(errors).toHaveLength(1);
  });

  it('reports the first GatewayError thrown by deferred work as a refusal of the reply, other failures only to the log', async () => {
    const c = ctx();
    const refusal = new GatewayError(503, 'usage_not_recorded', 'not recorded');
    c.deferred.push(() => { throw refusal; }, () => { throw new Error('release failed'); });
    const errors: unknown[] = [];
    expect(await runDeferred(c.deferred, (e) => errors.push(e))).toBe(refusal);
    expect(errors).toHaveLength(2);
    const quiet = ctx();
    quiet.deferred.push(() => { throw new Error('release failed'); });
    expect(await runDeferred(quiet.deferred, () => {})).toBeUndefined();
  });
});
