// JUMBF (ISO/IEC 19566-5) boxes, the container C2PA manifest stores are made of: a box is a 4-byte big-endian
// size, a 4-byte type and a payload; a superbox ("jumb") holds a description box ("jumd": content-type UUID,
// toggles, label) followed by content boxes ("cbor", "json", or more superboxes).

/** A superbox keeps its payload (description and content boxes): what C2PA hashed URIs are computed over. */
export type JumbfNode =
  | { superbox: { uuid: Buffer; label: string; children: JumbfNode[]; payload: Buffer } }
  | { box: { type: string; payload: Buffer } };

/** C2PA's content-type UUIDs: a four-character code followed by the ISO suffix. */
export const C2PA_UUID = {
  manifestStore: uuid('c2pa'),
  manifest: uuid('c2ma'),
  assertionStore: uuid('c2as'),
  claim: uuid('c2cl'),
  signature: uuid('c2cs'),
  cborAssertion: uuid('cbor'),
};

function uuid(fourcc: string): Buffer {
  return Buffer.concat([Buffer.from(fourcc, 'latin1'), Buffer.from('00110010800000AA00389B71', 'hex')]);
}

function box(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** A superbox's bytes; its children are already-encoded boxes. Toggles 0x03: requestable, has a label. */
export function superbox(uuidBytes: Buffer, label: string, children: Buffer[]): Buffer {
  const description = box('jumd', Buffer.concat([uuidBytes, Buffer.from([0x03]), Buffer.from(`${label}\0`, 'utf8')]));
  return box('jumb', Buffer.concat([description, ...children]));
}

export const cborBox = (cbor: Uint8Array) => box('cbor', Buffer.from(cbor));

/** Parses boxes from bytes; throws a plain Error naming what is wrong (callers map it to their error). */
export function parseBoxes(bytes: Buffer, depth = 0): JumbfNode[] {
  if (depth > 8) throw new Error('JUMBF nested too deeply');
  const nodes: JumbfNode[] = [];
  for (let at = 0; at < bytes.length;) {
    if (bytes.length - at < 8) throw new Error(`JUMBF box header truncated at byte ${at}`);
    const size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (size < 8 || at + size > bytes.length)
      throw new Error(`JUMBF box '${type}' at byte ${at} claims ${size} bytes; ${bytes.length - at} remain`);
    const payload = bytes.subarray(at + 8, at + size);
    if (type === 'jumb') {
      const [description, ...children] = parseBoxes(payload, depth + 1);
      if (
        !description ||
        !('box' in description) ||
        description.box.type !== 'jumd' ||
        description.box.payload.length < 17
      )
        throw new Error('JUMBF superbox without a description box');
      const d = description.box.payload;
      const label = d[16]! & 0x02 ? d.toString('utf8', 17, d.indexOf(0, 17) === -1 ? d.length : d.indexOf(0, 17)) : '';
      nodes.push({ superbox: { uuid: d.subarray(0, 16), label, children, payload } });
    } else {
      nodes.push({ box: { type, payload } });
    }
    at += size;
  }
  return nodes;
}

/** The superbox at a label path (e.g. ["c2pa", manifestLabel, "c2pa.claim.v2"]). */
export function findSuperbox(
  nodes: JumbfNode[],
  path: string[],
): Extract<JumbfNode, { superbox: unknown }>['superbox'] | undefined {
  let level = nodes;
  let found: Extract<JumbfNode, { superbox: unknown }>['superbox'] | undefined;
  for (const label of path) {
    found = level.flatMap((n) =>
      'superbox' in n && (label === '*' || n.superbox.label === label) ? [n.superbox] : [],
    )[0];
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

/** The payload of a superbox's first content box of a type (e.g. its CBOR). */
export function contentOf(sb: { children: JumbfNode[] } | undefined, type: string): Buffer | undefined {
  for (const n of sb?.children ?? []) if ('box' in n && n.box.type === type) return n.box.payload;
  return undefined;
}
