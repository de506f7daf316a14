// Monthly budgets per organisation and per key. A request reserves an upper bound of its price before it is
// forwarded and settles the true price after, so concurrent requests overshoot a hard budget by at most one
// request's reservation. In-process counters (embedded); the same interface fronts Redis in a cluster.

export interface BudgetScope {
  /** "org:<org id>" or "key:<org id>:<key id>". */
  id: string;
  limitMicros: bigint;
  hard: boolean;
}

/** A reservation held settles once, at the true price (0 to give it back), on the counter that made it. */
export type Reservation =
  | { ok: true; amount: bigint; settle: (actual: bigint) => void | Promise<void> }
  | { ok: false; spent: bigint; reserved: bigint };

/** In process (the embedded default) or shared by the nodes of a cluster. */
export interface BudgetCounter {
  reserve(scope: BudgetScope, amount: bigint): Promise<Reservation>;
  spent(scope: BudgetScope): Promise<bigint>;
}

interface State {
  month: string;
  spent: bigint;
  reserved: bigint;
}

export const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/** Whole seconds until the next month (UTC) begins, when every budget starts again: a spent budget's Retry-After. */
export const secondsToNextMonth = (d: Date) =>
  Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - d.getTime()) / 1000);

export class InProcessBudgets implements BudgetCounter {
  private readonly states = new Map<string, State>();
  private readonly loading = new Map<string, Promise<State>>();

  /** `loadSpent` gives what the ledger already holds for a scope since the start of a month. */
  constructor(
    private readonly loadSpent: (scopeId: string, monthStart: string) => Promise<bigint>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async reserve(scope: BudgetScope, amount: bigint): Promise<Reservation> {
    const state = await this.state(scope.id);
    // Check and reserve in one synchronous step: no await between them, so no two requests see the same room.
    if (scope.hard && state.spent + state.reserved + amount > scope.limitMicros)
      return { ok: false, spent: state.spent, reserved: state.reserved };
    state.reserved += amount;
    let settled = false;
    return {
      ok: true,
      amount,
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.settle(scope, amount, actual);
      },
    };
  }

  private settle(scope: BudgetScope, reserved: bigint, actual: bigint): void {
    const state = this.states.get(scope.id);
    if (!state) return;
    state.reserved -= reserved;
    state.spent += actual;
  }

  async spent(scope: BudgetScope): Promise<bigint> {
    return (await this.state(scope.id)).spent;
  }

  /** The month the last call fell in, and its bounds in ms: formatted once a month, not on every request. */
  private month = { id: '', from: 0, to: -1 };

  private currentMonth(): string {
    const t = this.now().getTime();
    if (t < this.month.from || t >= this.month.to) {
      const d = new Date(t);
      this.month = {
        id: monthOf(d),
        from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
        to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
      };
    }
    return this.month.id;
  }

  private async state(id: string): Promise<State> {
    const month = this.currentMonth();
    const current = this.states.get(id);
    if (current && current.month === month) return current;
    let pending = this.loading.get(`${id}|${month}`);
    if (!pending) {
      pending = this.loadSpent(id, `${month}-01T00:00:00.000Z`).then((spent) => {
        const state = { month, spent, reserved: current?.month === month ? current.reserved : 0n };
        this.states.set(id, state);
        return state;
      });
      this.loading.set(`${id}|${month}`, pending);
      pending.finally(() => this.loading.delete(`${id}|${month}`));
    }
    return pending;
  }
}
