import pino from 'pino';
import { catalogModel } from '@gw/catalog/testing';
import { UpstreamError } from '@gw/providers';
import type { RankedCandidate, RecordRequestOutcome } from '@gw/routing';
import { manualClock } from '@gw/shared-kernel/testing';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { NO_BYOK } from '../byok-keys';
import { AllProvidersFailedError, DeadlineExceededError, UpstreamRejectedError } from '../chat.errors';
import type { Attempted } from '../fallback-walk';
import type { RoutePlan } from '../route-planner';
import type { ChatCall, ChatDeps } from './chat-call';
import { failRequest } from './fail.step';
import { StepTimer } from './step-timer';

const candidate = { modelId: 'a/m', provider: 'a', byok: false, score: 1 } as RankedCandidate;
const last: Attempted = { model: catalogModel('a/m'), candidate, attempt: 2 };
const plan = {
  requestedModel: 'auto',
  powerLevel: 'eco',
  candidates: [candidate],
  panic: false,
  byok: NO_BYOK,
} as unknown as RoutePlan;
const call = {
  principal: { userId: 'u1', keyId: 'k1', roles: ['user'], tier: 'free', powerLevel: 'eco' },
  dto: { model: 'auto', messages: [] },
  requestId: 'r1',
} as unknown as ChatCall;

function deps() {
  const written: RecordRequestOutcome[] = [];
  const metrics = new GatewayMetrics();
  const d = {
    context: { health: { unavailableForMs: () => 0 } },
    recorder: { record: (c: RecordRequestOutcome) => (written.push(c), Promise.resolve()) },
    metrics,
    logger: pino({ level: 'silent' }),
    clock: manualClock(),
  } as unknown as ChatDeps;
  return { d, written, metrics };
}
const walk = (over: {
  error?: UpstreamError;
  clientClosed?: boolean;
  deadlineExceeded?: boolean;
  last?: Attempted | undefined;
}) => ({
  answered: false as const,
  hops: [],
  rateLimited: false,
  clientClosed: false,
  last,
  error: undefined,
  ...over,
});

describe('fail step: failRequest', () => {
  it('every attempt failed: RequestFailed recorded (then the record step observed), a 503 outage returned', async () => {
    const { d, written, metrics } = deps();
    const error = new UpstreamError({ kind: 'server', status: 502, providerSlug: 'a' });
    const e = await failRequest(d, call, plan, [], walk({ error }), 0, new StepTimer(metrics.chatSteps));
    expect(e).toBeInstanceOf(AllProvidersFailedError);
    expect(written[0]!.data.outcome).toMatchObject({
      kind: 'failed',
      failure: { reason: 'server', status: 503, attempts: 2, lastProvider: 'a', lastCredential: 'platform' },
    });
    expect(await metrics.registry.metrics()).toContain('switchyard_chat_step_seconds_count{step="record"} 1');
  });

  it('the upstream refused the request itself: its own status, an UpstreamRejectedError', async () => {
    const { d, written, metrics } = deps();
    const error = new UpstreamError({ kind: 'bad_request', status: 422, providerSlug: 'a' });
    const e = await failRequest(d, call, plan, [], walk({ error }), 0, new StepTimer(metrics.chatSteps));
    expect(e).toBeInstanceOf(UpstreamRejectedError);
    expect(written[0]!.data.outcome).toMatchObject({ failure: { status: 422 } });
  });

  it('the client went away: recorded as client_closed, 499', async () => {
    const { d, written, metrics } = deps();
    await failRequest(d, call, plan, [], walk({ clientClosed: true }), 0, new StepTimer(metrics.chatSteps));
    expect(written[0]!.data.outcome).toMatchObject({ failure: { reason: 'client_closed', status: 499 } });
  });

  it('the deadline passed: recorded as deadline_exceeded, 504 deadline_exceeded returned', async () => {
    const { d, written, metrics } = deps();
    const context = { ...d.context, policy: { requestDeadlineMs: 1_000 } } as unknown as ChatDeps['context'];
    const error = new UpstreamError({ kind: 'timeout', providerSlug: 'a' });
    const e = await failRequest(
      { ...d, context },
      call,
      plan,
      [],
      walk({ error, deadlineExceeded: true }),
      0,
      new StepTimer(metrics.chatSteps),
    );
    expect(e).toBeInstanceOf(DeadlineExceededError);
    expect((e as DeadlineExceededError).toErrorResponse()).toMatchObject({
      status: 504,
      type: 'api_error',
      code: 'deadline_exceeded',
      param: null,
      message: expect.stringContaining('deadline of 1000 ms (2 attempt(s))'),
    });
    expect(written[0]!.data.outcome).toMatchObject({
      failure: { reason: 'deadline_exceeded', status: 504, attempts: 2, lastProvider: 'a' },
    });
  });

  it('nothing was tried: nothing recorded, no record step observed', async () => {
    const { d, written, metrics } = deps();
    const e = await failRequest(
      d,
      call,
      plan,
      [],
      walk({ last: undefined }),
      0,
      new StepTimer(metrics.chatSteps),
    );
    expect(e).toBeInstanceOf(AllProvidersFailedError);
    expect(written).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('switchyard_chat_step_seconds_count{step="record"} 0');
  });
});
