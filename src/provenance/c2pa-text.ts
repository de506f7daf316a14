// In-band marking: a manifest carried inside the text itself, as the C2PA text manifest wrapper does it
// (a U+FEFF marker, then the bytes "C2PATXT\0", a version byte, a 4-byte length and the manifest, each byte
// written as an invisible Unicode variation selector). Fragile by nature: sanitisers strip it.

const MAGIC = Buffer.from('C2PATXT\0', 'latin1');
const VERSION = 1;

function byteToSelector(b: number): string {
  return String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + (b - 16));
}

function selectorToByte(cp: number): number | null {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return cp - 0xfe00;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return cp - 0xe0100 + 16;
  return null;
}

export function wrapManifest(text: string, manifest: string): string {
  const body = Buffer.from(manifest, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const bytes = Buffer.concat([MAGIC, Buffer.from([VERSION]), length, body]);
  let out = '\uFEFF';
  for (const b of bytes) out += byteToSelector(b);
  return text + out;
}

/** The text without its wrapper, and the manifest it carried (null when there is none, or it is damaged). */
export function unwrapManifest(text: string): { text: string; manifest: string | null } {
  const at = text.lastIndexOf('\uFEFF');
  if (at === -1) return { text, manifest: null };
  const bytes: number[] = [];
  for (const ch of text.slice(at + 1)) {
    const b = selectorToByte(ch.codePointAt(0)!);
    if (b === null) return { text, manifest: null };
    bytes.push(b);
  }
  const buf = Buffer.from(bytes);
  if (buf.length < 13 || !buf.subarray(0, 8).equals(MAGIC) || buf[8] !== VERSION) return { text, manifest: null };
  const length = buf.readUInt32BE(9);
  if (buf.length !== 13 + length) return { text, manifest: null };
  return { text: text.slice(0, at), manifest: buf.subarray(13).toString('utf8') };
}
