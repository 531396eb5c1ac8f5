import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@gw/platform';
import { createGateway, type Gateway } from '../../../apps/gateway/src/app.factory';
import type { TestGateway } from './test-gateway';

/** Another gateway instance on the same stores as `first` (its own data directory, no projections). */
export interface ExtraInstance {
  readonly gateway: Gateway;
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function startExtraInstance(first: TestGateway, name: string): Promise<ExtraInstance> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `switchyard-e2e-${name}-`));
  const gateway = await createGateway(
    { ...first.gateway.runtime.config, dataDir, projections: 'off' },
    createLogger('warn', `switchyard-gateway-${name}`, new Writable({ write: (_c, _e, done) => done() })),
  );
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    gateway,
    baseUrl: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
