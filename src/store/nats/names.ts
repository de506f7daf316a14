import { createHash } from 'node:crypto';

// What the cluster's usage events are called on NATS: every subject, stream and consumer carries the cluster name,
// so that two clusters can share one NATS server without seeing each other's events.

export interface UsageStreamNames {
  /** The subject usage events are published on. */
  subject: string;
  /** The stream that keeps them until the ledger has them. */
  stream: string;
  /** The durable pull consumer every node writes the ledger from. */
  consumer: string;
  /** Where messages that are not usage events are parked (with the stream of their own that keeps them). */
  deadSubject: string;
  deadStream: string;
}

/** A cluster name fit for subjects and stream names: no dots, wildcards, slashes or spaces. */
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function usageStreamNames(cluster: string): UsageStreamNames {
  if (!CLUSTER_NAME.test(cluster))
    throw new Error(`cluster name ${JSON.stringify(cluster)} must be 1 to 64 letters, digits, '_' or '-'`);
  return {
    subject: `${cluster}.usage.events`,
    stream: `${cluster}_usage`,
    consumer: `${cluster}_ledger`,
    deadSubject: `${cluster}.usage.dead`,
    deadStream: `${cluster}_usage_dead`,
  };
}

/**
 * The JetStream message id of an event, for the stream's duplicate window: the request id for a final event; a
 * stream's interim records add their number, or the first of a request's records would hide all the others.
 */
export function messageIdOf(event: { request_id: string; interim?: number }): string {
  return event.interim === undefined ? event.request_id : `${event.request_id}~interim-${event.interim}`;
}

/**
 * The message id of a message holding several events: a digest of their ids, so that the same events published
 * again in the same message (an outbox forwarded twice) are dropped by the duplicate window too.
 */
export function messageIdOfEvents(events: ReadonlyArray<{ request_id: string; interim?: number }>): string {
  if (events.length === 1) return messageIdOf(events[0]!);
  const digest = createHash('sha256');
  for (const e of events) digest.update(messageIdOf(e)).update('\n');
  return `events-${events.length}-${digest.digest('base64url')}`;
}
