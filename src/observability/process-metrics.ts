// The process's own metrics (prom-client's defaults: event-loop lag, heap, CPU, open descriptors, GC). They
// describe the process, not one gateway in it, so there is one registry per process: prom-client's event-loop
// monitor cannot be stopped, and one per gateway would pile up in a test run that starts many.
import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

export function processMetrics(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
