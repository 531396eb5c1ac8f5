import { IllegalStateError, NotFoundError, ValidationError } from '@gw/shared-kernel';
import { deciderSpec } from '@gw/shared-kernel/testing';
import type { ProviderCommand, StoredKeyRef } from './provider.commands';
import { providerDecider } from './provider.decider';
import type { ProviderEvent, ProviderSpecData } from './provider.events';

const now = new Date('2026-11-23T12:00:00.000Z');
const at = now.toISOString();
const given = deciderSpec(providerDecider);

const spec: ProviderSpecData = {
  slug: 'acme',
  name: 'Acme AI',
  kind: 'openai-compatible',
  baseUrl: 'https://api.acme.test/v1',
  requiresKey: true,
};
const key: StoredKeyRef = {
  secretId: 's1',
  masked: 'sk-…wxyz',
  last4: 'wxyz',
  fingerprint: 'f1',
  kekVersion: 1,
};
const register = (extra: Partial<Extract<ProviderCommand, { type: 'RegisterProvider' }>['data']> = {}) =>
  ({
    type: 'RegisterProvider',
    data: { spec, enabled: true, seeded: false, by: 'admin', ...extra },
    metadata: { now },
  }) as ProviderCommand;
const change = (data: Omit<Extract<ProviderCommand, { type: 'ChangeProvider' }>['data'], 'slug' | 'by'>) =>
  ({
    type: 'ChangeProvider',
    data: { slug: 'acme', by: 'admin', ...data },
    metadata: { now },
  }) as ProviderCommand;
const remove: ProviderCommand = {
  type: 'RemoveProvider',
  data: { slug: 'acme', by: 'admin' },
  metadata: { now },
};

const registered: ProviderEvent = {
  type: 'ProviderRegistered',
  data: { ...spec, enabled: true, seeded: false, registeredBy: 'admin', registeredAt: at },
};
const keySet: ProviderEvent = {
  type: 'PlatformKeySet',
  data: { slug: 'acme', ...key, setBy: 'admin', setAt: at },
};
const removed: ProviderEvent = {
  type: 'ProviderRemoved',
  data: { slug: 'acme', removedBy: 'admin', removedAt: at },
};

describe('provider decider', () => {
  it('registers a provider', () => given([]).when(register()).then([registered]));

  it('registers with a platform key in the same decision', () =>
    given([])
      .when(register({ platformKey: key }))
      .then([registered, keySet]));

  it('refuses to register an existing slug (admin)', () =>
    given([registered]).when(register()).thenThrows(IllegalStateError, 'CATALOG.PROVIDER_EXISTS'));

  it('the seed registers only what was never registered', () => {
    const seededEvent: ProviderEvent = {
      type: 'ProviderRegistered',
      data: { ...spec, enabled: false, seeded: true, registeredBy: 'seed', registeredAt: at },
    };
    given([])
      .when(register({ seeded: true, enabled: false, by: 'seed' }))
      .then([seededEvent]);
    given([registered])
      .when(register({ seeded: true }))
      .then([]);
  });

  it('the seed does not bring back a provider an admin removed; an admin may', () => {
    given([registered, removed])
      .when(register({ seeded: true }))
      .then([]);
    given([registered, removed]).when(register()).then([registered]);
  });

  it('health events in the stream do not disturb the catalog state', () =>
    given([
      registered,
      {
        type: 'ProviderDegraded',
        data: { provider: 'acme', reason: 'server', errorRate: 1, consecutiveFailures: 5, cooldownMs: 1, at },
      } as unknown as ProviderEvent,
    ])
      .when(register())
      .thenThrows(IllegalStateError, 'CATALOG.PROVIDER_EXISTS'));

  it.each([
    ['slug', { ...spec, slug: 'Not A Slug' }],
    ['kind', { ...spec, kind: 'smoke-signals' as ProviderSpecData['kind'] }],
    ['baseUrl', { ...spec, baseUrl: 'ftp://x.test' }],
    ['baseUrl', { ...spec, baseUrl: 'https://user:secret@x.test/v1' }],
    ['baseUrl', { ...spec, baseUrl: 'https://x.test/v1?key=secret' }],
    ['baseUrl', { ...spec, baseUrl: 'http://169.254.169.254/latest/meta-data' }],
    ['baseUrl', { ...spec, baseUrl: 'http://[fd00:ec2::254]/v1' }],
    ['baseUrl', { ...spec, baseUrl: 'http://[::ffff:169.254.169.254]/v1' }],
    ['baseUrl', { ...spec, baseUrl: 'http://[fe80::1]:8000/v1' }],
    ['baseUrl', { ...spec, baseUrl: 'http://0.0.0.0:8000/v1' }],
    ['baseUrl', { ...spec, baseUrl: 'http://metadata.google.internal/computeMetadata/v1' }],
    ['name', { ...spec, name: '  ' }],
  ])('refuses an invalid %s', (param, bad) => {
    let thrown: unknown;
    try {
      providerDecider.decide(register({ spec: bad }), providerDecider.initialState());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).details.param).toBe(param);
  });

  it('names the forbidden address in the refusal', () => {
    let thrown: unknown;
    try {
      providerDecider.decide(
        register({ spec: { ...spec, baseUrl: 'http://169.254.169.254/v1' } }),
        providerDecider.initialState(),
      );
    } catch (e) {
      thrown = e;
    }
    expect((thrown as ValidationError).message).toBe(
      'baseUrl must not reach this address: 169.254.169.254 is a link-local address (169.254.0.0/16)',
    );
  });

  it.each([
    'http://127.0.0.1:8000/v1',
    'http://localhost:11434/v1',
    'http://10.0.0.5/v1',
    'http://[::1]:8000/v1',
  ])('an admin may register a loopback or private base URL (%s: local vLLM, Ollama)', (baseUrl) =>
    given([])
      .when(register({ spec: { ...spec, baseUrl } }))
      .then([{ ...registered, data: { ...registered.data, baseUrl } } as ProviderEvent]),
  );

  describe('changing the base URL', () => {
    const moved = 'https://elsewhere.test/v1';
    const updated: ProviderEvent = {
      type: 'ProviderUpdated',
      data: { slug: 'acme', changes: { baseUrl: moved }, updatedBy: 'admin', updatedAt: at },
    };
    const keyRemoved: ProviderEvent = {
      type: 'PlatformKeyRemoved',
      data: { slug: 'acme', secretId: 's1', removedBy: 'admin', removedAt: at },
    };
    const other = { ...key, secretId: 's2', fingerprint: 'f2' };

    it('removes the platform key when no key is given in the same change', () =>
      given([registered, keySet])
        .when(change({ spec: { baseUrl: moved } }))
        .then([updated, keyRemoved]));

    it('then the provider has no key', () =>
      given([registered, keySet])
        .when(change({ spec: { baseUrl: moved } }))
        .thenState({
          status: 'registered',
          spec: { ...spec, baseUrl: moved },
          enabled: true,
          disabledReason: null,
          platformKey: undefined,
        }));

    it('sets the key given in the same change instead', () =>
      given([registered, keySet])
        .when(change({ spec: { baseUrl: moved }, platformKey: other }))
        .then([
          updated,
          { type: 'PlatformKeySet', data: { slug: 'acme', ...other, setBy: 'admin', setAt: at } },
        ]));

    it('keeps the key when the same key is given again with the new URL', () =>
      given([registered, keySet])
        .when(change({ spec: { baseUrl: moved }, platformKey: key }))
        .then([updated]));

    it('removes nothing more when there was no key', () =>
      given([registered])
        .when(change({ spec: { baseUrl: moved } }))
        .then([updated]));

    it('other changes, and the same base URL again, keep the key', () => {
      given([registered, keySet])
        .when(change({ spec: { name: 'Acme', baseUrl: spec.baseUrl } }))
        .then([
          {
            type: 'ProviderUpdated',
            data: { slug: 'acme', changes: { name: 'Acme' }, updatedBy: 'admin', updatedAt: at },
          },
        ]);
      given([registered, keySet])
        .when(change({ enabled: false }))
        .then([
          {
            type: 'ProviderDisabled',
            data: { slug: 'acme', reason: null, disabledBy: 'admin', disabledAt: at },
          },
        ]);
    });
  });

  it('records only the fields that changed', () =>
    given([registered])
      .when(change({ spec: { name: 'Acme', baseUrl: spec.baseUrl } }))
      .then([
        {
          type: 'ProviderUpdated',
          data: { slug: 'acme', changes: { name: 'Acme' }, updatedBy: 'admin', updatedAt: at },
        },
      ]));

  it('a change that changes nothing appends nothing', () =>
    given([registered, keySet])
      .when(change({ spec: { name: spec.name }, enabled: true, platformKey: key }))
      .then([]));

  it('sets, replaces and removes the platform key', () => {
    given([registered])
      .when(change({ platformKey: key }))
      .then([keySet]);
    const other = { ...key, secretId: 's2', fingerprint: 'f2' };
    given([registered, keySet])
      .when(change({ platformKey: other }))
      .then([{ type: 'PlatformKeySet', data: { slug: 'acme', ...other, setBy: 'admin', setAt: at } }]);
    given([registered, keySet])
      .when(change({ platformKey: null }))
      .then([
        {
          type: 'PlatformKeyRemoved',
          data: { slug: 'acme', secretId: 's1', removedBy: 'admin', removedAt: at },
        },
      ]);
    given([registered])
      .when(change({ platformKey: null }))
      .then([]);
  });

  it('disables with a reason and enables again', () => {
    const disabled: ProviderEvent = {
      type: 'ProviderDisabled',
      data: { slug: 'acme', reason: 'contract ended', disabledBy: 'admin', disabledAt: at },
    };
    given([registered])
      .when(change({ enabled: false, disabledReason: 'contract ended' }))
      .then([disabled]);
    given([registered, disabled])
      .when(change({ enabled: true }))
      .then([{ type: 'ProviderEnabled', data: { slug: 'acme', enabledBy: 'admin', enabledAt: at } }]);
  });

  it('validates the spec after the change', () =>
    given([registered])
      .when(change({ spec: { baseUrl: 'not a url' } }))
      .thenThrows(ValidationError, 'CATALOG.INVALID_SPEC'));

  it('cannot change or remove what does not exist', () => {
    given([])
      .when(change({ enabled: false }))
      .thenThrows(NotFoundError, 'CATALOG.PROVIDER_NOT_FOUND');
    given([registered, removed]).when(remove).thenThrows(NotFoundError, 'CATALOG.PROVIDER_NOT_FOUND');
  });

  it('removes a provider and forgets its key', () => {
    given([registered, keySet]).when(remove).then([removed]);
    given([registered, keySet])
      .when(remove)
      .thenState({ status: 'removed', enabled: false, disabledReason: null });
  });
});
