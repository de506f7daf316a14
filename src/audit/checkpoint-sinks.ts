// Where signed audit checkpoints go: a JSON-lines file (read back by verification) and, optionally, an
// http(s) endpoint that receives each one as a POST.
import { mkdirSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the hash chain stands: its last entry's sequence number and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** One line of the checkpoint file, and the body POSTed to an external sink. `jws` is what counts. */
export interface Checkpoint extends ChainHead {
  at: string;
  kid: string;
  /** Compact JWS (EdDSA), payload {typ, seq, hash, at}; verifiable with the gateway's /.well-known/jwks.json. */
  jws: string;
}

export interface CheckpointSink {
  readonly name: string;
  write(checkpoint: Checkpoint): Promise<void>;
}

export class CheckpointFile implements CheckpointSink {
  readonly name: string;

  constructor(readonly path: string) {
    this.name = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Appends one line and syncs it: a checkpoint is on disk before the next one is made. */
  async write(checkpoint: Checkpoint): Promise<void> {
    const file = await open(this.path, 'a+', 0o600);
    try {
      // A line cut short by a crash stays a line of its own (and is skipped as malformed when read).
      const { size } = await file.stat();
      const torn = size > 0 && (await file.read(Buffer.alloc(1), 0, 1, size - 1)).buffer[0] !== 0x0a;
      await file.appendFile(`${torn ? '\n' : ''}${JSON.stringify(checkpoint)}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  /** Every line, parsed (or null where a line is not JSON), in file order; none when the file does not exist. */
  async read(): Promise<Array<{ line: number; value: unknown }>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<{ line: number; value: unknown }> = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        out.push({ line: i + 1, value: JSON.parse(raw) as unknown });
      } catch {
        out.push({ line: i + 1, value: null });
      }
    });
    return out;
  }
}

export class HttpCheckpointSink implements CheckpointSink {
  constructor(
    readonly name: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 5_000,
  ) {}

  async write(checkpoint: Checkpoint): Promise<void> {
    const res = await fetch(this.name, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify(checkpoint),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${this.name} answered ${res.status}`);
  }
}
