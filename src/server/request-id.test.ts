import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.ts';

describe('request ids', () => {
  it('are req_ and 32 hex digits, all different', () => {
    const ids = Array.from({ length: 10_000 }, newRequestId);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sort in the order they were made, across milliseconds', async () => {
    const first = newRequestId();
    await new Promise((r) => setTimeout(r, 3));
    const second = newRequestId();
    expect(first < second).toBe(true);
    expect(parseInt(second.slice(4, 16), 16)).toBeLessThanOrEqual(Date.now());
    expect(parseInt(second.slice(4, 16), 16)).toBeGreaterThan(Date.now() - 1000);
  });
});
