import { InMemoryEventStore } from '@gw/eventstore';
import { ForbiddenError, type Clock } from '@gw/shared-kernel';
import { DEFAULT_TIER_POLICY } from '../../domain/tier-policy';
import { toAccountStreamId } from '../../domain/account.decider';
import { ChangeTierPolicyHandler } from '../change-tier-policy/change-tier-policy.handler';
import { ChangeTierPolicyCommand } from '../change-tier-policy/change-tier-policy.command';
import { OpenAccountHandler } from '../open-account/open-account.handler';
import { OpenAccountCommand } from '../open-account/open-account.command';
import { UpdateAccountCommand } from './update-account.command';
import { UpdateAccountHandler } from './update-account.handler';

const clock: Clock = { now: () => new Date('2026-12-01T12:00:00.000Z') };
const metadata = { correlationId: 'c1', actorId: 'admin1', actorKind: 'admin' as const };

describe('UpdateAccountHandler', () => {
  let store: InMemoryEventStore;
  beforeEach(async () => {
    store = new InMemoryEventStore();
    await new OpenAccountHandler(store, clock).execute(
      new OpenAccountCommand(
        { userId: 'u1', displayName: 'Ada', roles: ['user'], tier: 'free', powerLevel: 'eco' },
        metadata,
      ),
    );
  });

  it('checks against the tier policy in the log, not the defaults', async () => {
    const update = new UpdateAccountHandler(store, clock);
    await expect(
      update.execute(new UpdateAccountCommand('u1', { powerLevel: 'balanced' }, metadata)),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const policy = await new ChangeTierPolicyHandler(store, clock).execute(
      new ChangeTierPolicyCommand(
        { ...DEFAULT_TIER_POLICY, free: { ...DEFAULT_TIER_POLICY.free, powerLevels: ['eco', 'balanced'] } },
        metadata,
      ),
    );
    expect(policy.version).toBe(1);

    const result = await update.execute(new UpdateAccountCommand('u1', { powerLevel: 'balanced' }, metadata));
    expect(result.events.map((e) => e.type)).toEqual(['PowerLevelChanged']);
    expect(result.version).toBe(1n);
    const [, changed] = await store.readStream(toAccountStreamId('u1'));
    expect(changed!.metadata).toMatchObject({ actorId: 'admin1', actorKind: 'admin', tenantId: 'u1' });
  });

  it('no change appends nothing and answers the same version', async () => {
    const result = await new UpdateAccountHandler(store, clock).execute(
      new UpdateAccountCommand('u1', { tier: 'free', powerLevel: 'eco' }, metadata),
    );
    expect(result).toMatchObject({ version: 0n, events: [] });
  });
});
