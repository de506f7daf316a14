// An independent C2PA reader for tests: @trustnxt/c2pa-ts reads the manifest store a text carries in its C2PA
// text wrapper and validates it (signature, certificate profile, hashed URIs, hard binding).
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore } from '@trustnxt/c2pa-ts/manifest';
import { locateWrapper } from '../../src/provenance/c2pa/text-wrapper.ts';

/** The asset c2pa-ts hashes: the text's UTF-8 bytes, wrapper included (the hard binding excludes it). */
function textAsset(marked: string) {
  const data = Buffer.from(marked, 'utf8');
  return {
    mimeType: 'text/plain',
    getDataLength: () => data.length,
    getDataRange: async (start = 0, length = data.length - start) =>
      new Uint8Array(data.subarray(start, start + length)),
    getManifestJUMBF: () => new Uint8Array(locateWrapper(marked)!.store),
    dumpInfo: () => 'text/plain',
    ensureManifestSpace: async () => {},
    getHashExclusionRange: () => ({ start: 0, length: 0 }),
    writeManifestJUMBF: async () => {},
  };
}

export async function c2paTs(marked: string) {
  const asset = textAsset(marked);
  const store = ManifestStore.read(SuperBox.fromBuffer(asset.getManifestJUMBF() as Uint8Array<ArrayBuffer>));
  const result = await store.validate(asset as never);
  return {
    store,
    codes: result.statusEntries.map((e) => e.code),
    errors: result.statusEntries.filter((e) => !e.success).map((e) => `${e.code} ${e.explanation ?? ''}`),
  };
}
