// The C2PA text manifest wrapper (C2PA 2.x, "embedding manifests into unstructured text"): a U+FEFF marker,
// then "C2PATXT\0", a version byte, a 4-byte big-endian length, the manifest store (JUMBF) and zero padding,
// each byte written as an invisible variation selector (0x00-0x0F: U+FE00-U+FE0F; 0x10-0xFF: U+E0100-U+E01EF).
// The padding makes the wrapper's UTF-8 length depend only on the manifest's length, so the hard binding can
// name the byte range it excludes before the manifest is signed.

const MAGIC = Buffer.from('C2PATXT\0', 'latin1');
const VERSION = 1;
const HEADER = 13;
const MARKER = '\uFEFF';

const SELECTORS = Array.from({ length: 256 }, (_, b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + (b - 16)));
const selector = (b: number) => SELECTORS[b]!;

function selectorByte(cp: number): number | null {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return cp - 0xfe00;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return cp - 0xe0100 + 16;
  return null;
}

/** The wrapper's UTF-8 length for a manifest store of `manifestLength` bytes (the spec's deterministic target). */
export const wrapperByteLength = (manifestLength: number) => 3 + (HEADER + manifestLength) * 4 + 6;

/** The wrapper (to append to the text) carrying a manifest store. */
export function encodeWrapper(store: Uint8Array): string {
  const framed = Buffer.alloc(HEADER + store.length);
  MAGIC.copy(framed);
  framed[8] = VERSION;
  framed.writeUInt32BE(store.length, 9);
  framed.set(store, HEADER);
  const parts: string[] = [MARKER];
  let bytes = 3;
  for (const b of framed) {
    parts.push(selector(b));
    bytes += b < 16 ? 3 : 4;
  }
  // Pad with 0x00 (3 bytes each) and 0x10 (4 bytes each) up to the target, as the spec decomposes the gap.
  const gap = wrapperByteLength(store.length) - bytes;
  const fours = gap % 3;
  parts.push(selector(0x00).repeat((gap - 4 * fours) / 3), selector(0x10).repeat(fours));
  return parts.join('');
}

export interface LocatedWrapper {
  /** The manifest store bytes (JUMBF). */
  store: Buffer;
  /** UTF-8 byte range of the wrapper in the text, marker and padding included. */
  start: number;
  length: number;
  /** The text with the wrapper removed. */
  text: string;
}

/** The last well-formed wrapper in a text, or null when there is none (or it is damaged). */
export function locateWrapper(text: string): LocatedWrapper | null {
  for (let at = text.lastIndexOf(MARKER); at !== -1; at = at === 0 ? -1 : text.lastIndexOf(MARKER, at - 1)) {
    const bytes: number[] = [];
    let end = at + 1;
    while (end < text.length) {
      const cp = text.codePointAt(end)!;
      const b = selectorByte(cp);
      if (b === null) break;
      bytes.push(b);
      end += cp > 0xffff ? 2 : 1;
    }
    const run = Buffer.from(bytes);
    if (run.length < HEADER || !run.subarray(0, 8).equals(MAGIC) || run[8] !== VERSION) continue;
    const length = run.readUInt32BE(9);
    if (run.length < HEADER + length) continue;
    const before = text.slice(0, at);
    return {
      store: run.subarray(HEADER, HEADER + length),
      start: Buffer.byteLength(before),
      length: Buffer.byteLength(text.slice(at, end)),
      text: before + text.slice(end),
    };
  }
  return null;
}
