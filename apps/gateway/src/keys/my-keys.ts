import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessDirectory, type Principal } from '@gw/accounts';
import {
  AddProviderKeyCommand,
  assertByokAllowed,
  ChangeProviderKeyCommand,
  checkCustomEndpoint,
  checkKeyFormat,
  CUSTOM_PROVIDER,
  keyFormatOf,
  RecordKeyValidationCommand,
  RemoveProviderKeyCommand,
  RotateProviderKeyCommand,
  type CustomEndpoint,
  type KeyCommandResult,
  type KeyEntry,
} from '@gw/keys';
import type { GatewayConfig } from '@gw/platform';
import {
  IllegalStateError,
  NotFoundError,
  ValidationError,
  newId,
  type EventMetadata,
  type Tier,
} from '@gw/shared-kernel';
import { customRouteOf } from '../chat/byok-keys';
import { waitUntil } from '../http/wait-until';
import { GATEWAY_CONFIG } from '../runtime/runtime.tokens';
import { CatalogState } from '../runtime/catalog-state';
import { KeysState } from '../runtime/keys-state';
import { ProviderProber, type ConnectionTest } from '../runtime/provider-prober';
import { byokAllowance } from './byok-allowance';
import type { AddKeyDto, ChangeKeyDto, CheckKeyDto, RotateKeyDto } from './keys.dto';

/** A key as the caller sees it: never the key, only its masked form and last four characters. */
export interface KeyView {
  readonly id: string;
  readonly provider: string;
  readonly label: string;
  readonly masked: string;
  readonly last4: string;
  readonly status: KeyEntry['status'];
  readonly enabled: boolean;
  readonly priority: number;
  readonly createdAt: string;
  readonly lastValidatedAt: string | null;
  readonly lastUsedAt: string | null;
  /** provider `custom`: the endpoint, and the model ids to name in requests (yours only). */
  readonly baseUrl?: string;
  readonly models?: readonly string[];
}

/** Where a key is checked: a catalog provider, or the caller's own endpoint. */
interface KeyTarget {
  readonly provider: string;
  readonly custom?: CustomEndpoint;
}

export interface KeyProviderView {
  readonly provider: string;
  readonly name: string;
  readonly kind: string;
  /** What the provider's keys look like (the format check's rule). */
  readonly keyFormat: string;
  /** Whether the platform also has a key for it (with none, only your key makes its models usable). */
  readonly platformKey: boolean;
  /** How many keys you have for it. */
  readonly keys: number;
}

/** GET /api/v1/me/keys/providers: empty `data` when the tier has no BYOK (`byok.allowed` false). */
export interface KeyProvidersView {
  readonly data: readonly KeyProviderView[];
  readonly byok: {
    readonly allowed: boolean;
    readonly keysPerProvider: number;
    /** The lowest tier that allows BYOK under the tier policy in force (null: none does). */
    readonly unlockedBy: Tier | null;
  };
}

/** GET /api/v1/me/keys */
export interface KeyList {
  readonly data: readonly KeyView[];
}

/** POST /api/v1/me/keys/test: what the provider said to a key that is not stored. */
export interface KeyCheckView {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** The failure's kind and status: never the provider's text. */
  readonly error: { readonly kind: string; readonly status: number | null } | null;
}

export interface KeyTestView {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** The failure's kind and status: never the provider's text. */
  readonly error: { readonly kind: string; readonly status: number | null } | null;
  readonly key: KeyView;
}

/**
 * The caller's own provider keys (BYOK): what /api/v1/me/keys does, from the in-memory views of this
 * instance. Writes answer once this instance routes with them (read-your-writes).
 */
@Injectable()
export class MyKeys {
  constructor(
    @Inject(KeysState) private readonly keys: KeysState,
    @Inject(CatalogState) private readonly catalog: CatalogState,
    @Inject(ProviderProber) private readonly prober: ProviderProber,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AccessDirectory) private readonly directory: AccessDirectory,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  providers(principal: Principal): KeyProvidersView {
    const allowance = this.allowance(principal);
    const mine = this.keys.view.keysOf(principal.userId);
    const data = this.catalog.view
      .providers()
      .filter((p) => p.enabled && p.spec.requiresKey)
      .map((p) => ({
        provider: p.spec.slug,
        name: p.spec.name,
        kind: p.spec.kind,
        keyFormat: keyFormatOf(p.spec.slug).hint,
        platformKey: this.catalog.resolver.apiKey(p.spec.slug) !== undefined,
        keys: mine.filter((k) => k.provider === p.spec.slug).length,
      }));
    data.push({
      provider: CUSTOM_PROVIDER,
      name: 'Your own OpenAI-compatible endpoint (send baseUrl and models)',
      kind: 'openai-compatible',
      keyFormat: keyFormatOf(CUSTOM_PROVIDER).hint,
      platformKey: false,
      keys: mine.filter((k) => k.provider === CUSTOM_PROVIDER).length,
    });
    return {
      data: allowance.allowed ? data : [],
      byok: {
        allowed: allowance.allowed,
        keysPerProvider: allowance.keysPerProvider,
        unlockedBy: allowance.unlockedBy ?? null,
      },
    };
  }

  list(principal: Principal): KeyList {
    return this.listOf(principal.userId);
  }

  /** Anyone's provider keys, masked (an admin's view of a user's page). */
  listOf(userId: string): KeyList {
    return { data: this.keys.view.keysOf(userId).map((k) => this.toView(k)) };
  }

  async add(principal: Principal, dto: AddKeyDto, metadata: EventMetadata): Promise<KeyView> {
    const allowance = this.allowance(principal);
    assertByokAllowed(allowance);
    const target = this.target(dto);
    checkKeyFormat(dto.provider, dto.apiKey);
    const validated = dto.validate !== false && (await this.validate(target, dto.apiKey));
    const result = await this.commands.execute(
      new AddProviderKeyCommand(
        {
          userId: principal.userId,
          keyId: newId(),
          provider: dto.provider,
          label: dto.label ?? '',
          ...(dto.priority !== undefined && { priority: dto.priority }),
          validated,
          allowance,
          apiKey: dto.apiKey,
          ...(target.custom && { custom: target.custom }),
        },
        metadata,
      ),
    );
    return this.applied(principal, result);
  }

  /**
   * A live check of a key before it is added (the portal's "Test connection"): the same rules as
   * adding (BYOK allowed, a known provider, the key's format, a custom endpoint's URL), then one call
   * to the provider's model listing. Nothing is stored or recorded.
   */
  async check(principal: Principal, dto: CheckKeyDto): Promise<KeyCheckView> {
    assertByokAllowed(this.allowance(principal));
    const target = this.target(dto);
    checkKeyFormat(dto.provider, dto.apiKey);
    const outcome = await this.probe(target, dto.apiKey);
    return { ok: outcome.ok, latencyMs: outcome.latencyMs, error: outcome.ok ? null : outcome.error };
  }

  async change(
    principal: Principal,
    id: string,
    dto: ChangeKeyDto,
    metadata: EventMetadata,
  ): Promise<KeyView> {
    this.mine(principal, id);
    const result = await this.commands.execute(
      new ChangeProviderKeyCommand({ userId: principal.userId, keyId: id, ...dto }, metadata),
    );
    return this.applied(principal, result);
  }

  async rotate(
    principal: Principal,
    id: string,
    dto: RotateKeyDto,
    metadata: EventMetadata,
  ): Promise<KeyView> {
    const key = this.mine(principal, id);
    checkKeyFormat(key.provider, dto.apiKey);
    const validated = dto.validate !== false && (await this.validate(key, dto.apiKey));
    const result = await this.commands.execute(
      new RotateProviderKeyCommand(
        { userId: principal.userId, keyId: id, provider: key.provider, apiKey: dto.apiKey, validated },
        metadata,
      ),
    );
    return this.applied(principal, result);
  }

  /** A live check of the stored key; an accepted key becomes valid, a refused one invalid. */
  async test(principal: Principal, id: string, metadata: EventMetadata): Promise<KeyTestView> {
    const key = this.mine(principal, id);
    const apiKey = this.keys.apiKey(key);
    if (apiKey === undefined)
      throw new IllegalStateError(
        'KEYS.KEY_UNAVAILABLE',
        'This key cannot be read from the vault right now; rotate it to store it again.',
        { param: 'id' },
      );
    const outcome = await this.probe(key, apiKey);
    // Only the provider's refusal says something about the key; a timeout or outage does not.
    const recorded =
      outcome.ok || outcome.error.kind === 'auth'
        ? await this.commands.execute(
            new RecordKeyValidationCommand(
              {
                userId: principal.userId,
                keyId: id,
                fingerprint: key.fingerprint,
                outcome: outcome.ok
                  ? { ok: true }
                  : { ok: false, reason: outcome.error.kind, status: outcome.error.status },
              },
              metadata,
            ),
          )
        : undefined;
    const view = recorded ? await this.applied(principal, recorded) : this.toView(key);
    return {
      ok: outcome.ok,
      latencyMs: outcome.latencyMs,
      error: outcome.ok ? null : { kind: outcome.error.kind, status: outcome.error.status },
      key: view,
    };
  }

  async remove(principal: Principal, id: string, metadata: EventMetadata): Promise<void> {
    this.mine(principal, id);
    const result = await this.commands.execute(
      new RemoveProviderKeyCommand({ userId: principal.userId, keyId: id }, metadata),
    );
    await waitUntil(() => this.keys.hasApplied(principal.userId, result.version));
  }

  private allowance(principal: Principal) {
    return byokAllowance(principal.tier, this.directory.tierPolicy());
  }

  /** The caller's key, or a 404 (another user's key id looks exactly like one that never existed). */
  private mine(principal: Principal, id: string): KeyEntry {
    const key = this.keys.view.key(principal.userId, id);
    if (!key)
      throw new NotFoundError('KEYS.KEY_NOT_FOUND', `The key \`${id}\` does not exist.`, { param: 'id' });
    return key;
  }

  /** Where a key to add (or check) goes: a catalog provider that takes keys, or a valid custom endpoint. */
  private target(dto: { provider: string; baseUrl?: string; models?: string[] }): KeyTarget {
    if (dto.provider !== CUSTOM_PROVIDER) {
      this.keyProvider(dto.provider);
      return { provider: dto.provider };
    }
    return {
      provider: dto.provider,
      custom: checkCustomEndpoint(
        { baseUrl: dto.baseUrl, models: dto.models },
        this.config.allowedUpstreamHosts,
      ),
    };
  }

  /** Catalog providers that take a key, seeded or admin-registered, and are enabled. */
  private keyProvider(slug: string): void {
    const p = this.catalog.view.provider(slug);
    if (!p || !p.enabled || !p.spec.requiresKey)
      throw new ValidationError(
        'KEYS.UNKNOWN_PROVIDER',
        `\`${slug}\` is not a provider you can add a key for; GET /api/v1/me/keys/providers lists them.`,
        { param: 'provider' },
      );
  }

  /** true, or a 400 saying the provider refused the key (it is not stored; `validate: false` skips this). */
  private async validate(target: KeyTarget, apiKey: string): Promise<true> {
    const { provider } = target;
    const outcome = await this.probe(target, apiKey);
    if (outcome.ok) return true;
    const { kind, status } = outcome.error;
    throw new ValidationError(
      'KEYS.KEY_VALIDATION_FAILED',
      `${provider} did not accept this key (${kind}${status ? ` ${status}` : ''}); it was not stored. ` +
        'Check the key, or send validate: false to store it unvalidated.',
      { param: 'apiKey' },
    );
  }

  private async probe(
    { provider, custom }: KeyTarget,
    apiKey: string,
  ): Promise<
    | { ok: true; latencyMs: number }
    | { ok: false; latencyMs: number; error: { kind: string; status: number | null } }
  > {
    const test: ConnectionTest = custom
      ? await this.prober.testEndpoint(provider, custom.baseUrl, apiKey)
      : await this.prober.test(provider, apiKey);
    return test.ok
      ? { ok: true, latencyMs: test.latencyMs }
      : { ok: false, latencyMs: test.latencyMs, error: { kind: test.error.kind, status: test.error.status } };
  }

  private async applied(principal: Principal, result: KeyCommandResult): Promise<KeyView> {
    await waitUntil(() => this.keys.hasApplied(principal.userId, result.version));
    return this.toView(this.mine(principal, result.keyId));
  }

  private toView(k: KeyEntry): KeyView {
    return {
      id: k.keyId,
      provider: k.provider,
      label: k.label,
      masked: k.masked,
      last4: k.last4,
      status: k.status,
      enabled: k.enabled,
      priority: k.priority,
      createdAt: k.createdAt,
      lastValidatedAt: k.lastValidatedAt,
      lastUsedAt: this.keys.lastUsedAt(k.keyId),
      ...(k.custom && {
        baseUrl: k.custom.baseUrl,
        models: customRouteOf(k)?.models.map((m) => m.id) ?? [],
      }),
    };
  }
}
