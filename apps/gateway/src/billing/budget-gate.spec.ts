import pino from 'pino';
import { Counter } from 'prom-client';
import {
  BudgetLedger,
  DEFAULT_BILLING_POLICY,
  InMemoryBudgetStore,
  type ChargeCandidate,
  type TokenDemand,
} from '@gw/usage-billing';
import { BudgetGate, InsufficientQuotaError, type CapSettings } from './budget-gate';

/** A model that costs exactly its per-request fee, charged at cost. */
const flat = (feeMicros: bigint): ChargeCandidate[] => [
  {
    prices: { inputPerMillion: 0n, outputPerMillion: 0n, cachedInputPerMillion: 0n, perRequest: feeMicros },
    maxOutputTokens: 100,
    basis: { powerLevel: 'precision', tier: 'free', keySource: 'platform' },
  },
];

const DEMAND: TokenDemand = { promptTokens: 10, maxOutputTokens: undefined, choices: 1 };

function gateAt(start: string, cap: CapSettings | undefined, grantMicros = 10_000_000n) {
  let now = new Date(start);
  const ledger = new BudgetLedger();
  ledger.applyGrant({
    userId: 'u',
    grantId: 'signup',
    kind: 'promotion',
    amountMicros: grantMicros.toString(),
    reason: 'r',
    grantedBy: 's',
    grantedAt: start,
  });
  const capReached: string[] = [];
  const clock = { now: () => now };
  const gate = new BudgetGate(
    ledger,
    new InMemoryBudgetStore(clock),
    () => cap,
    () => DEFAULT_BILLING_POLICY,
    clock,
    new Counter({
      name: `refusals_${Math.random().toString(36).slice(2)}`,
      help: 'h',
      labelNames: ['reason'],
      registers: [],
    }),
    (data) => {
      capReached.push(`${data.month} ${data.capMode} ${data.monthSpendMicros}`);
      return Promise.resolve();
    },
    () => Promise.resolve(undefined),
    pino({ level: 'silent' }),
  );
  return { gate, capReached, setNow: (iso: string) => (now = new Date(iso)) };
}

describe('BudgetGate', () => {
  it('a hard cap refuses with a 402 naming the cap, and starts again with the next UTC month', async () => {
    const { gate, capReached, setNow } = gateAt('2026-12-31T23:59:58Z', {
      monthlyCapMicros: '20000',
      capMode: 'hard',
    });
    for (let i = 0; i < 2; i++) {
      const hold = await gate.reserve('u', `r${i}`, flat(10_000n), DEMAND);
      await hold.settle(10_000n);
      hold.release();
    }
    const refused = await gate.reserve('u', 'r2', flat(10_000n), DEMAND).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InsufficientQuotaError);
    const body = (refused as InsufficientQuotaError).toErrorResponse();
    expect(body).toMatchObject({ status: 402, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(body.message).toContain('hard monthly spending cap of $0.02');
    expect(body.message).toContain('wait until 2027-01-01 (UTC)');
    expect(capReached).toEqual(['2026-12 hard 20000']);
    setNow('2027-01-01T00:00:01Z');
    const january = await gate.reserve('u', 'r3', flat(10_000n), DEMAND);
    expect(january.month).toBe('2027-01');
  });

  it('an empty balance is a 402 naming the balance; a released hold frees it, twice is once', async () => {
    const { gate } = gateAt('2026-12-10T10:00:00Z', undefined, 15_000n);
    const hold = await gate.reserve('u', 'a', flat(10_000n), DEMAND);
    const refused = await gate.reserve('u', 'b', flat(10_000n), DEMAND).catch((e: unknown) => e);
    expect((refused as InsufficientQuotaError).toErrorResponse().message).toContain(
      'it may cost up to $0.01 and $0.005 is available',
    );
    hold.release();
    hold.release();
    expect((await gate.view('u')).availableMicros).toBe(15_000n);
  });

  it('a soft cap warns from the request that may take the month past it, and never refuses', async () => {
    const { gate, capReached } = gateAt('2026-12-10T10:00:00Z', {
      monthlyCapMicros: '20000',
      capMode: 'soft',
    });
    const warnings: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      const hold = await gate.reserve('u', `s${i}`, flat(10_000n), DEMAND);
      warnings.push(hold.capWarning);
      await hold.settle(10_000n);
    }
    expect(warnings.map((w) => w !== undefined)).toEqual([false, false, true, true]);
    expect(capReached).toEqual(['2026-12 soft 20000']);
  });
});
