/**
 * The bounded dispatch iterator on its own: delivery order, each overflow policy, ending with and
 * without an error, `break`, and concurrent `next()` calls.
 */
import { describe, expect, it } from 'vitest';
import { DispatchBufferOverflowError, DispatchStream } from '../../adapters/client/index.js';

function stream(options: ConstructorParameters<typeof DispatchStream<number>>[0] = {}) {
  let detached = 0;
  const s = new DispatchStream<number>(options, () => detached++);
  return { s, detached: () => detached };
}

async function drain(s: DispatchStream<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const value of s) out.push(value);
  return out;
}

describe('DispatchStream', () => {
  it('delivers in order to a waiting consumer and from its buffer', async () => {
    const { s } = stream();
    const first = s.next();
    s.push(1);
    s.push(2);
    s.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(s.buffered).toBe(2);
    s.end();
    expect(await drain(s)).toEqual([2, 3]);
  });

  it('overflow "error": buffered items first, then DispatchBufferOverflowError, detached once', async () => {
    const { s, detached } = stream({ bufferSize: 3 });
    for (let i = 1; i <= 5; i++) s.push(i);
    const out: number[] = [];
    const error = await (async () => {
      try {
        for await (const value of s) out.push(value);
      } catch (e) {
        return e;
      }
    })();
    expect(out).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(DispatchBufferOverflowError);
    expect(error).toMatchObject({ code: 'DISPATCH_BUFFER_OVERFLOW', bufferSize: 3 });
    expect(detached()).toBe(1);
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('overflow "drop-oldest" keeps the newest, "drop-newest" the oldest; both count drops', async () => {
    const oldest = stream({ bufferSize: 3, overflow: 'drop-oldest' }).s;
    const newest = stream({ bufferSize: 3, overflow: 'drop-newest' }).s;
    for (let i = 1; i <= 7; i++) {
      oldest.push(i);
      newest.push(i);
    }
    oldest.end();
    newest.end();
    expect(oldest.dropped).toBe(4);
    expect(newest.dropped).toBe(4);
    expect(await drain(oldest)).toEqual([5, 6, 7]);
    expect(await drain(newest)).toEqual([1, 2, 3]);
  });

  it('a long run through a small buffer keeps order and compacts', async () => {
    const { s } = stream({ bufferSize: 5000 });
    const consumer = drain(s);
    for (let i = 0; i < 20_000; i++) {
      s.push(i);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    s.end();
    const out = await consumer;
    expect(out).toHaveLength(20_000);
    expect(out.every((v, i) => v === i)).toBe(true);
  });

  it('end(error) rejects a waiting consumer; concurrent next() calls each get one item', async () => {
    const { s } = stream();
    const a = s.next();
    const b = s.next();
    s.push(1);
    s.push(2);
    expect([await a, await b]).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
    ]);
    const c = s.next();
    s.end(new Error('failed'));
    await expect(c).rejects.toThrow('failed');
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('return() (break) detaches and drops the buffer', async () => {
    const { s, detached } = stream();
    s.push(1);
    s.push(2);
    for await (const value of s) {
      expect(value).toBe(1);
      break;
    }
    expect(detached()).toBe(1);
    s.push(3);
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });
});
