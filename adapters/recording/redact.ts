/**
 * Removes secrets (the token, and anything else the caller marks) from what a recorder writes:
 * every string of every value, and raw bytes. Each occurrence becomes `*` repeated to the secret's
 * UTF-8 length, so redacted bytes keep their framing and decode to the same text a redacted
 * string holds: a replay of redacted inbound bytes still matches the redacted outputs.
 * Never mutates its input; copies only what changed.
 */

const utf8 = new TextEncoder();
const STAR = 0x2a;

interface Secret {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly mask: string;
}

/** Redacts a growing set of secrets; counts what it replaced so callers can spot secrets it could not reach. */
export class Redactor {
  #secrets: Secret[] = [];
  /** Occurrences replaced so far (strings and bytes). */
  hits = 0;

  constructor(secrets: Iterable<string | null | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret; empty values are ignored (they would match everywhere). */
  add(secret: string | null | undefined): void {
    if (!secret || this.#secrets.some((s) => s.text === secret)) return;
    const bytes = utf8.encode(secret);
    this.#secrets.push({ text: secret, bytes, mask: '*'.repeat(bytes.byteLength) });
    // Longest first, so a secret that contains another is masked whole.
    this.#secrets.sort((a, b) => b.text.length - a.text.length);
  }

  /** True when there is at least one secret. */
  get active(): boolean {
    return this.#secrets.length > 0;
  }

  /** The string with every secret masked. */
  string(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (!out.includes(secret.text)) continue;
      const parts = out.split(secret.text);
      this.hits += parts.length - 1;
      out = parts.join(secret.mask);
    }
    return out;
  }

  /** The bytes with every secret's UTF-8 form masked (a copy when anything changed). */
  bytes(data: Uint8Array): Uint8Array {
    let out = data;
    for (const secret of this.#secrets) {
      const needle = secret.bytes;
      for (let at = indexOf(out, needle, 0); at !== -1; at = indexOf(out, needle, at + needle.byteLength)) {
        if (out === data) out = data.slice();
        out.fill(STAR, at, at + needle.byteLength);
        this.hits++;
      }
    }
    return out;
  }

  /** A deep copy of a JSON-like value (plain objects, arrays, bytes) with every string redacted. */
  value<T>(value: T): T {
    if (!this.active) return value;
    return this.#walk(value, 0) as T;
  }

  #walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 1000) return '[too deep to record]';
    if (value instanceof Uint8Array) return this.bytes(value);
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const next = this.#walk(value[i], depth + 1);
        if (next === value[i]) continue;
        out ??= value.slice();
        out[i] = next;
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | null = null;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      const next = this.#walk(item, depth + 1);
      const name = this.string(key);
      if (next !== item || name !== key) {
        out ??= { ...(value as Record<string, unknown>) };
        if (name !== key) delete out[key];
        // defineProperty: an own `__proto__` key (ETF and JSON can produce one) stays a plain key.
        Object.defineProperty(out, name, { value: next, writable: true, enumerable: true, configurable: true });
      }
    }
    return out ?? value;
  }
}

/** The first index of `needle` in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.byteLength - needle.byteLength;
  for (let at = haystack.indexOf(first, from); at !== -1 && at <= last; at = haystack.indexOf(first, at + 1)) {
    let i = 1;
    while (i < needle.byteLength && haystack[at + i] === needle[i]) i++;
    if (i === needle.byteLength) return at;
  }
  return -1;
}
