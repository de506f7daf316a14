// What an operator changed, told to the other nodes of a cluster so that each drops or reloads its in-memory copy.
// A domain module that caches or snapshots stored state publishes its changes here and reloads on what it hears.
// One process alone has nobody to tell: the local bus does nothing, and costs nothing.

export type Invalidation =
  /** An API key was revoked (by its hash): drop its cached principal. */
  | { kind: 'key'; hash: string }
  /** An organisation (or one of its keys) changed: status, tier, limits, routing, enforcement, pricing... */
  | { kind: 'org'; id: string }
  | { kind: 'policy' }
  | { kind: 'price-book' }
  | { kind: 'sanctions' }
  | { kind: 'signing-keys' }
  /** Something may have been missed (a reconnect, or the periodic safety net): drop and reload everything. */
  | { kind: 'all' };

export type InvalidationListener = (change: Invalidation) => void | Promise<void>;

export interface InvalidationBus {
  /** Tells the other nodes (never this one: the module that made the change has already applied it). */
  publish(change: Invalidation): void;
  /** Hears the other nodes' changes; a listener that rejects is reported by the bus, not thrown. */
  subscribe(listener: InvalidationListener): void;
}

/** The embedded default: one process, nobody to tell. */
export const LOCAL_BUS: InvalidationBus = {
  publish: () => {},
  subscribe: () => {},
};

/** Nodes with no bus between them: every `periodMs` each reloads everything, so no copy is older than that. */
export class PeriodicReload implements InvalidationBus {
  private readonly listeners: InvalidationListener[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(periodMs: number, onError: (err: unknown) => void) {
    this.timer = setInterval(() => {
      for (const listener of this.listeners)
        Promise.resolve()
          .then(() => listener({ kind: 'all' }))
          .catch(onError);
    }, periodMs);
    this.timer.unref();
  }

  publish(): void {}

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
