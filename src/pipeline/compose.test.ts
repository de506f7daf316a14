import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.ts';
import { compose, runHooks } from './compose.ts';
import type { RequestContext } from './context.ts';

const ctx = () => ({ headers: {} }) as unknown as RequestContext;

describe('pipeline runner', () => {
  it('runs stages in order, sync and async, and stops at the first throw', async () => {
    const seen: string[] = [];
    const pipeline = compose({
      beforeForward: [
        () => void seen.push('a'),
        async () => void seen.push('b'),
        () => {
          throw new Error('denied');
        },
      ],
      forward: () => void seen.push('never'),
    });
    await expect(pipeline.run(ctx())).rejects.toThrow('denied');
    expect(seen).toEqual(['a', 'b']);
  });

  it('runs the phases in the order composed: before forward, forward, after forward; then the hooks as the server calls them', async () => {
    const seen: string[] = [];
    const pipeline = compose({
      beforeForward: [() => void seen.push('before')],
      forward: () => void seen.push('forward'),
      afterForward: [async () => void seen.push('after')],
      beforeReplyCompletes: [() => void seen.push('completing')],
      afterDelivery: [() => void seen.push('delivered')],
    });
    const c = ctx();
    await pipeline.run(c);
    await pipeline.completeReply(c, () => {});
    await pipeline.afterDelivery(c, () => {});
    expect(seen).toEqual(['before', 'forward', 'after', 'completing', 'delivered']);
  });

  it('hands forward the hooks before a stream starts, one as is, several in order', async () => {
    const one = () => undefined;
    const c = ctx();
    await compose({ beforeForward: [], forward: () => {}, beforeStreamStarts: [one] }).run(c);
    expect(c.beforeStream).toBe(one);
    const seen: number[] = [];
    await compose({
      beforeForward: [],
      forward: () => {},
      beforeStreamStarts: [() => void seen.push(1), async () => void seen.push(2)],
    }).run(c);
    await c.beforeStream!(c);
    expect(seen).toEqual([1, 2]);
  });

  it('runs hooks in the order composed, even when one fails', async () => {
    const seen: number[] = [];
    const errors: unknown[] = [];
    await runHooks(
      [
        () => void seen.push(1),
        () => {
          throw new Error('x');
        },
        async () => void seen.push(3),
      ],
      ctx(),
      (e) => errors.push(e),
    );
    expect(seen).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
  });

  it('reports the first GatewayError thrown by a hook as a refusal of the reply, other failures only to the log', async () => {
    const refusal = new GatewayError('usage_not_recorded', 'not recorded');
    const errors: unknown[] = [];
    expect(
      await runHooks(
        [
          () => {
            throw new Error('release failed');
          },
          () => {
            throw refusal;
          },
        ],
        ctx(),
        (e) => errors.push(e),
      ),
    ).toBe(refusal);
    expect(errors).toHaveLength(2);
    expect(
      await runHooks(
        [
          () => {
            throw new Error('release failed');
          },
        ],
        ctx(),
        () => {},
      ),
    ).toBeUndefined();
  });
});
