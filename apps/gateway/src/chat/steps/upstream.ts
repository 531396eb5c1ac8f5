import type { CatalogModel } from '@gw/catalog';
import { UpstreamError, type ChatCompletionRequest, type UpstreamTarget } from '@gw/providers';
import type { ChatContext } from '../chat-context';
import { byokKeyOf, type ByokChoice, type UserKeyRing } from '../byok-keys';
import type { Attempted } from '../fallback-walk';
import { upstreamRequest } from '../request-params';

/** A provider of the snapshot: one with a platform key, or one that serves only with users' keys. */
export function providerOf(context: ChatContext, slug: string) {
  return context.catalog.providers.get(slug) ?? context.catalog.keyOnly?.providers.get(slug);
}

/**
 * Where the attempt goes, with the key that pays: the caller's own (BYOK) or the platform's. A
 * caller's own endpoint (custom) is a user-supplied URL: its addresses are checked as such.
 */
export function targetOf(
  context: ChatContext,
  keys: UserKeyRing,
  { model, candidate }: Attempted,
  byok: ByokChoice,
): UpstreamTarget {
  const custom = byok.custom?.providers.get(model.provider);
  const provider = custom ?? providerOf(context, model.provider);
  if (!provider)
    // Removed or disabled between routing and this attempt: try the next candidate.
    throw new UpstreamError({
      kind: 'connection',
      providerSlug: model.provider,
      upstreamMessage: 'the provider no longer serves requests',
    });
  const userKey = byokKeyOf(byok, candidate);
  return {
    providerSlug: model.provider,
    baseUrl: provider.baseUrl,
    apiKey: userKey ? keys.apiKey(userKey) : provider.apiKey,
    upstreamModel: model.upstreamModel,
    timeoutMs: context.policy.attemptTimeoutMs,
    ...(custom && { trust: 'user' as const }),
  };
}

/** The adapter for the model's provider kind (its wire format). */
export function upstreamOf(context: ChatContext, model: CatalogModel) {
  const kind = providerOf(context, model.provider)?.kind ?? 'openai-compatible';
  const upstream = context.upstreams.get(kind);
  if (!upstream) throw new Error(`No upstream adapter for ${kind}`);
  return upstream;
}

/** The request one attempt sends (request-params' upstreamRequest for the model's provider). */
export function upstreamBody(
  context: ChatContext,
  body: Readonly<Record<string, unknown>>,
  model: CatalogModel,
  stream: boolean,
): ChatCompletionRequest {
  return upstreamRequest(body, providerOf(context, model.provider), model.upstreamModel, stream);
}
