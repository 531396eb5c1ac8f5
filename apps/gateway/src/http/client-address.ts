import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { TrustedProxies, type ClientView } from '@gw/platform';

/** Each gateway's HTTP server and the proxies it believes (several gateways share a test process). */
const proxiesOf = new WeakMap<object, TrustedProxies>();

/** Set once at start (identity providers) from TRUSTED_PROXIES; unset: no proxy is believed. */
export function trustProxies(server: object, proxies: TrustedProxies): void {
  proxiesOf.set(server, proxies);
}

/**
 * Who the client of a request is: its address (X-Forwarded-For believed only through
 * TRUSTED_PROXIES) and whether it came over HTTPS. The one answer for the sign-in throttles, the
 * audit metadata (`sourceIp`) and the refresh cookie's Secure flag.
 */
export function clientOf(request: FastifyRequest): ClientView {
  const socket = request.raw.socket as TLSSocket | undefined;
  return (proxiesOf.get(request.server) ?? TrustedProxies.none).client({
    peer: socket?.remoteAddress,
    forwardedFor: request.headers['x-forwarded-for'],
    forwardedProto: request.headers['x-forwarded-proto'],
    encrypted: socket?.encrypted === true,
  });
}
