// Orderings of eligible deployments, one function per routing strategy.
import type { Strategy } from '../config/schema.ts';
import type { Deployment } from './catalogue.ts';
import type { HealthBook } from './health.ts';

export interface StrategyInput {
  deployments: Deployment[];
  health: HealthBook;
  random: () => number;
  latencyBoundMs?: number;
}

type Order = (input: StrategyInput) => Deployment[];

const byPriority: Order = ({ deployments }) => [...deployments].sort((a, b) => a.priority - b.priority);

/** Weighted random order (Efraimidis–Spirakis): each deployment first with probability ∝ weight. */
const weighted: Order = ({ deployments, random }) =>
  deployments
    .map((d) => ({ d, key: d.weight > 0 ? Math.pow(random(), 1 / d.weight) : -1 }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.d);

/** Lowest observed latency first; deployments not yet observed go first so they get measured. */
const latency: Order = ({ deployments, health }) =>
  [...deployments].sort((a, b) => (health.of(a.id).latencyMs ?? -1) - (health.of(b.id).latencyMs ?? -1));

const costOf = (d: Deployment) => (d.cost ? d.cost.input + d.cost.output : Number.POSITIVE_INFINITY);

/** Cheapest among deployments meeting the latency bound (unobserved ones qualify); the rest after, fastest first. */
const cost: Order = (input) => {
  const { deployments, health, latencyBoundMs } = input;
  const meets = (d: Deployment) => latencyBoundMs === undefined || (health.of(d.id).latencyMs ?? 0) <= latencyBoundMs;
  const qualified = deployments.filter(meets).sort((a, b) => costOf(a) - costOf(b) || a.priority - b.priority);
  const rest = latency({ ...input, deployments: deployments.filter((d) => !meets(d)) });
  return [...qualified, ...rest];
};

export const strategyOrders: Record<Strategy, Order> = { priority: byPriority, weighted, latency, cost };
