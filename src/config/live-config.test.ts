import { describe, expect, it } from 'vitest';
import { LiveConfig } from './live-config.ts';

class Built {
  closed = 0;
  retired = 0;
  constructor(readonly name: string) {}
  retire() {
    this.retired++;
  }
  async close() {
    this.closed++;
  }
}

describe('LiveConfig', () => {
  it('keeps a replaced generation open until the last request holding it is done', async () => {
    const a = new Built('a');
    const live = new LiveConfig(a, (err) => {
      throw err;
    });
    const first = live.acquire();
    const second = live.acquire();
    const b = new Built('b');
    expect(live.swap(b)).toBe(a);
    expect(live.current).toBe(b);
    // Its own timers stop at once; its pools wait for the requests that hold it.
    expect(a.retired).toBe(1);
    expect(first.generation).toBe(a);
    expect(live.acquire().generation).toBe(b);
    first.release();
    first.release(); // twice counts once
    expect(a.closed).toBe(0);
    second.release();
    expect(a.closed).toBe(1);
    await live.close();
    expect(b.closed).toBe(1);
    expect(a.closed).toBe(1);
  });

  it('closes a generation nobody holds as soon as it is replaced', async () => {
    const a = new Built('a');
    const live = new LiveConfig(a, () => undefined);
    live.swap(new Built('b'));
    expect(a.closed).toBe(1);
  });
});
