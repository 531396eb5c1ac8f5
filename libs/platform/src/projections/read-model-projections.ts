import type { Projection } from '@gw/projections';
import { providerHealthTimelineProjection } from '@gw/catalog';
import { providerHealthProjection } from '@gw/routing';
import { usageBillingProjections } from '@gw/usage-billing';

/** Every projection behind the read models: the gateway runs them in-process, apps/projector in full mode. */
export const readModelProjections: readonly Projection[] = [
  ...usageBillingProjections,
  providerHealthTimelineProjection,
  providerHealthProjection,
];
