// The configuration in force, as one generation of what was built from it, swapped whole on a reload. A request
// takes the current generation once, as it starts, and keeps it to its end: it finishes on the configuration it
// started with. A generation that was replaced is closed (its connection pools) once no request holds it.

/** What was built from one configuration; closed once replaced and no longer held. */
export interface Generation {
  /** Replaced: stop work of its own that no request needs (timers), at once. */
  retire?(): void;
  close(): Promise<void>;
}

/** A generation held by a request; released once, when the request is done. */
export interface Lease<G> {
  readonly generation: G;
  release(): void;
}

interface Held<G> {
  readonly generation: G;
  holders: number;
  retired: boolean;
}

export class LiveConfig<G extends Generation> {
  private held: Held<G>;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    first: G,
    /** Told when a retired generation failed to close. */
    private readonly onCloseError: (err: unknown) => void,
  ) {
    this.held = { generation: first, holders: 0, retired: false };
  }

  /** The generation in force (for reads that end at once: no lease). */
  get current(): G {
    return this.held.generation;
  }

  /** The generation in force, held until `release()`. */
  acquire(): Lease<G> {
    const held = this.held;
    held.holders++;
    let released = false;
    return {
      generation: held.generation,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.retired && held.holders === 0) this.closeRetired(held);
      },
    };
  }

  /** Puts `next` in force at once; the one it replaces closes when the last request holding it is done. */
  swap(next: G): G {
    const previous = this.held;
    this.held = { generation: next, holders: 0, retired: false };
    previous.retired = true;
    previous.generation.retire?.();
    if (previous.holders === 0) this.closeRetired(previous);
    return previous.generation;
  }

  /** Closes the generation in force, once retired ones have closed. */
  async close(): Promise<void> {
    await Promise.all(this.closing);
    await this.held.generation.close();
  }

  private closeRetired(held: Held<G>): void {
    const closing = held.generation.close().catch(this.onCloseError);
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}
