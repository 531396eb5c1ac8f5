import { customProviderSlug } from '@gw/keys';
import { CHAT_STEPS, GatewayMetrics, type ChatObservation } from './gateway-metrics';

const answered = (over: Partial<ChatObservation> = {}): ChatObservation => ({
  provider: 'mock-swift',
  model: 'swift-1',
  powerLevel: 'eco',
  status: 'completed',
  streamed: true,
  durationSeconds: 0.4,
  ttftSeconds: 0.05,
  overheadSeconds: 0.0008,
  tokens: { input: 12, output: 30, cached: 4, reasoning: 7, cacheWrite: 2 },
  costMicros: 1_234_567n,
  chargeMicros: 2_469_134n,
  ...over,
});

describe('GatewayMetrics', () => {
  let metrics: GatewayMetrics;
  const text = () => metrics.registry.metrics();
  beforeEach(() => {
    metrics = new GatewayMetrics();
  });

  it('registers every metric the product documents', async () => {
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'llm_requests_total',
        'llm_request_duration_seconds',
        'llm_time_to_first_token_seconds',
        'llm_tokens_total',
        'llm_cost_micro_usd_total',
        'llm_charge_micro_usd_total',
        'llm_provider_health',
        'llm_fallbacks_total',
        'switchyard_gateway_overhead_seconds',
        'switchyard_projection_lag_seconds',
        'switchyard_budget_refusals_total',
        'switchyard_budget_store_degraded',
        'switchyard_rate_limited_total',
      ]),
    );
    expect(names).not.toContain('switchyard_provider_up');
  });

  it('observeChat counts the request, its durations, every token type, cost and charge', async () => {
    metrics.observeChat(answered());
    metrics.observeChat(answered({ status: 'interrupted' }));
    const t = await text();
    const labels = 'provider="mock-swift",model="swift-1"';
    expect(t).toContain(`llm_requests_total{${labels},power_level="eco",status="completed"} 1`);
    expect(t).toContain(`llm_requests_total{${labels},power_level="eco",status="interrupted"} 1`);
    expect(t).toContain(`llm_request_duration_seconds_count{${labels},streamed="true"} 2`);
    expect(t).toContain(`llm_request_duration_seconds_bucket{le="0.5",${labels},streamed="true"} 2`);
    expect(t).toContain(`llm_time_to_first_token_seconds_count{${labels}} 2`);
    expect(t).toContain(`llm_time_to_first_token_seconds_sum{${labels}} 0.1`);
    expect(t).toContain('switchyard_gateway_overhead_seconds_count 2');
    expect(t).toContain('switchyard_gateway_overhead_seconds_bucket{le="0.001"} 2');
    for (const [type, n] of [
      ['input', 24],
      ['output', 60],
      ['cached', 8],
      ['reasoning', 14],
      ['cache_write', 4],
    ] as const)
      expect(t).toContain(`llm_tokens_total{${labels},type="${type}"} ${n}`);
    expect(t).toContain(`llm_cost_micro_usd_total{${labels}} 2469134`);
    expect(t).toContain(`llm_charge_micro_usd_total{${labels},power_level="eco"} 4938268`);
  });

  it('an unstreamed answer has no time to first token, and zero token counts make no series', async () => {
    metrics.observeChat(
      answered({
        streamed: false,
        ttftSeconds: null,
        overheadSeconds: null,
        tokens: { input: 5, output: 1, cached: 0, reasoning: 0, cacheWrite: 0 },
        costMicros: 0n,
        chargeMicros: 0n,
      }),
    );
    const t = await text();
    expect(t).toContain(
      'llm_request_duration_seconds_count{provider="mock-swift",model="swift-1",streamed="false"} 1',
    );
    expect(t).not.toContain('llm_time_to_first_token_seconds_count{');
    expect(t).toContain('switchyard_gateway_overhead_seconds_count 0');
    expect(t).toContain('llm_tokens_total{provider="mock-swift",model="swift-1",type="input"} 5');
    expect(t).not.toMatch(/llm_tokens_total\{[^}]*type="(cached|reasoning|cache_write)"/);
    expect(t).not.toContain('llm_cost_micro_usd_total{');
    expect(t).not.toContain('llm_charge_micro_usd_total{');
  });

  it('observeFailure counts the outcome only', async () => {
    metrics.observeFailure({
      provider: 'mock-flaky',
      model: 'flaky-1',
      powerLevel: 'balanced',
      status: 'failed',
      streamed: false,
    });
    metrics.observeFailure({
      provider: 'none',
      model: 'auto',
      powerLevel: 'balanced',
      status: 'refused_budget',
      streamed: true,
    });
    metrics.observeFailure({
      provider: 'none',
      model: 'auto',
      powerLevel: 'balanced',
      status: 'refused_budget',
      streamed: false,
    });
    const t = await text();
    expect(t).toContain(
      'llm_requests_total{provider="mock-flaky",model="flaky-1",power_level="balanced",status="failed"} 1',
    );
    expect(t).toContain(
      'llm_requests_total{provider="none",model="auto",power_level="balanced",status="refused_budget"} 2',
    );
    expect(t).not.toContain('llm_request_duration_seconds_count{');
    expect(t).not.toContain('llm_tokens_total{');
  });

  it('observeFallback counts hops by from, to and reason', async () => {
    metrics.observeFallback({ from: 'mock-flaky', to: 'mock-swift', reason: 'server' });
    metrics.observeFallback({ from: 'mock-flaky', to: 'mock-swift', reason: 'server' });
    metrics.observeFallback({ from: 'mock-flaky', to: 'mock-slow', reason: 'timeout' });
    const t = await text();
    expect(t).toContain('llm_fallbacks_total{from="mock-flaky",to="mock-swift",reason="server"} 2');
    expect(t).toContain('llm_fallbacks_total{from="mock-flaky",to="mock-slow",reason="timeout"} 1');
  });

  it('budget and rate-limit series are the ones the limits and the budget store write to', async () => {
    metrics.budgetRefusals.inc({ reason: 'cap' });
    metrics.budgetRefusals.inc({ reason: 'store_unavailable' });
    metrics.rateLimited.inc({ tier: 'free', dimension: 'rpm' });
    expect(await text()).toContain('switchyard_budget_store_degraded 0');
    metrics.budgetStoreDegraded.set(1);
    const t = await text();
    expect(t).toContain('switchyard_budget_refusals_total{reason="cap"} 1');
    expect(t).toContain('switchyard_budget_refusals_total{reason="store_unavailable"} 1');
    expect(t).toContain('switchyard_budget_store_degraded 1');
    expect(t).toContain('switchyard_rate_limited_total{tier="free",dimension="rpm"} 1');
  });

  it('provider health: 0 while the circuit is open, 1 once closed; catalog providers never seen failing are healthy', async () => {
    metrics.trackProviderStatus(() => [
      { provider: 'mock-swift', status: 'active' },
      { provider: 'mock-flaky', status: 'active' },
    ]);
    metrics.setProviderHealth('mock-flaky', false);
    let t = await text();
    expect(t).toContain('llm_provider_health{provider="mock-flaky"} 0');
    expect(t).toContain('llm_provider_health{provider="mock-swift"} 1');
    metrics.setProviderHealth('mock-flaky', true);
    t = await text();
    expect(t).toContain('llm_provider_health{provider="mock-flaky"} 1');
  });

  it('projection lag is read at scrape time; a failing source keeps the last values and the scrape', async () => {
    let fail = false;
    metrics.trackProjectionLag(async () => {
      if (fail) throw new Error('store unreachable');
      return [{ projection: 'usage', seconds: 2.5 }];
    });
    expect(await text()).toContain('switchyard_projection_lag_seconds{projection="usage"} 2.5');
    fail = true;
    expect(await text()).toContain('switchyard_projection_lag_seconds{projection="usage"} 2.5');
  });

  it('a BYOK custom endpoint and its models are labelled `custom`: no user-chosen name reaches a label', async () => {
    // customProviderSlug(keyId) and `${slug}/${the user's model id}`, as the router names them
    const provider = customProviderSlug('3f2b9c1e-7d4a-4e0f-9b1a-2c3d4e5f6a7b');
    const model = `${provider}/acme-secret-finetune:v7`;
    metrics.observeChat(answered({ provider, model }));
    metrics.observeFailure({ provider, model, powerLevel: 'eco', status: 'failed', streamed: false });
    metrics.observeFallback({ from: provider, to: 'mock-swift', reason: 'byok_key_rejected' });
    metrics.observeFallback({ from: 'mock-swift', to: provider, reason: 'server' });
    metrics.setProviderHealth(provider, false);
    const t = await text();
    expect(t).not.toContain(provider);
    expect(t).not.toContain('acme-secret-finetune');
    const labels = 'provider="custom",model="custom"';
    expect(t).toContain(`llm_requests_total{${labels},power_level="eco",status="completed"} 1`);
    expect(t).toContain(`llm_requests_total{${labels},power_level="eco",status="failed"} 1`);
    expect(t).toContain(`llm_tokens_total{${labels},type="input"} 12`);
    expect(t).toContain(`llm_cost_micro_usd_total{${labels}} 1234567`);
    expect(t).toContain('llm_fallbacks_total{from="custom",to="mock-swift",reason="byok_key_rejected"} 1');
    expect(t).toContain('llm_fallbacks_total{from="mock-swift",to="custom",reason="server"} 1');
    expect(t).toContain('llm_provider_health{provider="custom"} 0');
    // catalog providers keep their names
    metrics.observeChat(answered());
    expect(await text()).toContain('llm_requests_total{provider="mock-swift",model="swift-1"');
  });

  it('labels carry no user ids or keys: only the label names the product documents', async () => {
    metrics.observeChat(answered());
    metrics.observeFailure({
      provider: 'p',
      model: 'm',
      powerLevel: 'eco',
      status: 'failed',
      streamed: false,
    });
    metrics.observeFallback({ from: 'p', to: 'q', reason: 'timeout' });
    const allowed = new Set([
      'provider',
      'model',
      'power_level',
      'status',
      'streamed',
      'type',
      'from',
      'to',
      'reason',
      'le',
    ]);
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      if (!m.name.startsWith('llm_')) continue;
      for (const v of m.values) for (const label of Object.keys(v.labels)) expect(allowed).toContain(label);
    }
  });

  it('switchyard_chat_step_seconds: every step exported from the start, observed through its bound child', async () => {
    const before = await text();
    for (const step of CHAT_STEPS)
      expect(before).toContain(`switchyard_chat_step_seconds_count{step="${step}"} 0`);
    metrics.chatSteps.plan.observe(0.00007);
    metrics.chatSteps.attempt.observe(0.3);
    const after = await text();
    expect(after).toContain('switchyard_chat_step_seconds_bucket{le="0.0001",step="plan"} 1');
    expect(after).toContain('switchyard_chat_step_seconds_bucket{le="0.00005",step="plan"} 0');
    expect(after).toContain('switchyard_chat_step_seconds_bucket{le="1",step="attempt"} 1');
    expect(after).toContain('switchyard_chat_step_seconds_count{step="attempt"} 1');
    expect(after).toContain('switchyard_chat_step_seconds_count{step="record"} 0');
  });
});
