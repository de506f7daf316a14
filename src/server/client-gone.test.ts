import { describe, expect, it } from 'vitest';
import { ClientGone } from './client-gone.ts';

describe('ClientGone', () => {
  it('tells each listener still registered once, and only once', () => {
    const gone = new ClientGone();
    const heard: string[] = [];
    const a = () => heard.push('a');
    const b = () => heard.push('b');
    gone.addEventListener('abort', a);
    gone.addEventListener('abort', b);
    gone.removeEventListener('abort', a);
    expect(gone.aborted).toBe(false);
    gone.abort();
    gone.abort();
    expect(gone.aborted).toBe(true);
    expect(heard).toEqual(['b']);
  });
});
