import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { InMemoryEventStore } from '@gw/eventstore';
import { createLogger, loadConfig } from '@gw/platform';
import { describeIf } from '@gw/shared-kernel/testing';
import { createProjectorRegistry } from '../../../projector/src/metrics/projector-metrics';
import { GatewayMetrics } from './gateway-metrics';

/**
 * infra/prometheus/alerts.yml and the Grafana dashboard name metrics by string: a renamed metric
 * would leave an alert that never fires and an empty panel. Every name they use must be one the
 * gateway or the projector registers, and Prometheus must scrape both where they listen.
 */
const root = path.resolve(__dirname, '../../../..');
const infra = (file: string) => path.join(root, 'infra', file);

interface Rule {
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
}
const alerts = parse(readFileSync(infra('prometheus/alerts.yml'), 'utf8')) as {
  groups: Array<{ rules: Rule[] }>;
};
const rules = alerts.groups.flatMap((g) => g.rules);

interface Panel {
  readonly title: string;
  readonly targets?: Array<{ expr: string }>;
}
const dashboard = JSON.parse(readFileSync(infra('grafana/dashboards/switchyard-gateway.json'), 'utf8')) as {
  panels: Panel[];
};
const panelExprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })),
);

/** The product's metric names: `llm_*` and `switchyard_*`, a histogram's series reduced to its name. */
const metricNamesIn = (expr: string): string[] =>
  [...expr.matchAll(/\b(?:llm|switchyard)_[a-z0-9_]+\b/g)].map((m) =>
    m[0].replace(/_(bucket|sum|count)$/, ''),
  );

const PRODUCT_METRICS = [
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
  'switchyard_kafka_relay_lag_seconds',
  'switchyard_relay_dead_letters_total',
];

interface ScrapeJob {
  readonly job_name: string;
  readonly metrics_path?: string;
  readonly authorization?: { readonly type?: string; readonly credentials_file?: string };
  readonly static_configs?: Array<{ readonly targets: string[] }>;
}
const prometheus = parse(readFileSync(infra('prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: ScrapeJob[];
};

interface ComposeService {
  readonly environment?: Readonly<Record<string, string | number>>;
  readonly expose?: readonly string[];
  readonly secrets?: readonly string[];
}
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('monitoring files (infra/prometheus, infra/grafana)', () => {
  let registered: Set<string>;
  beforeAll(async () => {
    const projector = createProjectorRegistry({
      eventStore: new InMemoryEventStore(),
      projections: [],
      relay: { name: 'kafka', checkpoint: null },
      relayDeadLetters: () => ({ unserializable: 0, too_large: 0, refused_too_large: 0 }),
      logger: createLogger('silent', 'switchyard-projector'),
    });
    registered = new Set(
      [
        ...(await new GatewayMetrics().registry.getMetricsAsJSON()),
        ...(await projector.getMetricsAsJSON()),
      ].map((m) => m.name),
    );
  });

  it('Prometheus scrapes the gateway and the projector where they listen, both with the metrics token', () => {
    const jobs = new Map(prometheus.scrape_configs.map((j) => [j.job_name, j]));
    const bearer = { type: 'Bearer', credentials_file: '/run/secrets/metrics_token' };
    expect(jobs.get('switchyard-gateway')).toMatchObject({
      metrics_path: '/metrics',
      authorization: bearer,
      static_configs: [{ targets: ['gateway:8080'] }],
    });
    const projectorPort = compose.services.projector?.environment?.METRICS_PORT;
    expect(String(projectorPort)).toBe(String(loadConfig({}).metricsPort));
    expect(jobs.get('switchyard-projector')).toMatchObject({
      metrics_path: '/metrics',
      authorization: bearer,
      static_configs: [{ targets: [`projector:${projectorPort}`] }],
    });
    expect(compose.services.projector?.expose).toContain(String(projectorPort));
  });

  it('compose gives the projector the same METRICS_TOKEN as the gateway and Prometheus', () => {
    const { gateway, projector, prometheus: server } = compose.services;
    expect(gateway?.environment?.METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:\?/);
    expect(projector?.environment?.METRICS_TOKEN).toBe(gateway?.environment?.METRICS_TOKEN);
    expect(server?.secrets).toContain('metrics_token');
  });

  it('the product’s three alerts are there, with their thresholds and durations', () => {
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.get('ProviderUnhealthy')).toMatchObject({ expr: 'llm_provider_health == 0', for: '5m' });
    expect(byName.get('HighFallbackRate')).toMatchObject({
      expr: expect.stringMatching(/rate\(llm_fallbacks_total.*\/.*rate\(llm_requests_total.*> 0\.1$/),
      for: '10m',
    });
    expect(byName.get('HighProviderCost')?.expr).toMatch(
      /increase\(llm_cost_micro_usd_total\[1h\]\)\) > 10e6$/,
    );
    // Any dead letter alerts at once (its notice names the event; billing did not get it).
    expect(byName.get('KafkaRelayDeadLetters')?.expr).toMatch(
      /increase\(switchyard_relay_dead_letters_total\[15m\]\)\) > 0$/,
    );
  });

  it('every alert names only metrics the gateway or the projector registers', () => {
    for (const rule of rules) {
      const names = metricNamesIn(rule.expr);
      expect({ alert: rule.alert, names: names.length > 0 }).toEqual({ alert: rule.alert, names: true });
      for (const name of names)
        expect({ alert: rule.alert, name, registered: registered.has(name) }).toMatchObject({
          registered: true,
        });
    }
  });

  it('every dashboard query names only registered metrics, and every product metric has a panel', () => {
    const used = new Set<string>();
    for (const { title, expr } of panelExprs)
      for (const name of metricNamesIn(expr)) {
        used.add(name);
        expect({ title, name, registered: registered.has(name) }).toMatchObject({ registered: true });
      }
    expect(PRODUCT_METRICS.filter((m) => !used.has(m))).toEqual([]);
    expect(PRODUCT_METRICS.filter((m) => !registered.has(m))).toEqual([]);
  });
});

const promtool = spawnSync('promtool', ['--version']).status === 0;

describeIf(
  promtool,
  'promtool is not installed (apt-get install prometheus): alert rules not checked by promtool',
)('promtool', () => {
  it('checks the rules, and their unit tests pass (each alert fires when it should, not before)', () => {
    execFileSync('promtool', ['check', 'rules', infra('prometheus/alerts.yml')], { stdio: 'pipe' });
    execFileSync('promtool', ['test', 'rules', infra('prometheus/alerts.test.yml')], { stdio: 'pipe' });
  });
});
