// Messages to the other nodes of a cluster about what one node observed (not what an operator changed: that is the
// invalidation bus). Best effort, like the observations themselves: a node cut off misses what was sent meanwhile.
// One process alone has no peers and gets no channel.

export interface PeerChannel {
  /** To every other node of the cluster, never back to this one. */
  publish(message: string): void;
  subscribe(listener: (message: string) => void): void;
}
