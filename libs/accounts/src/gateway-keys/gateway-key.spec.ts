import { generateGatewayKey, hashGatewayKey, maskGatewayKey } from './gateway-key';

describe('gateway keys', () => {
  it('are random, prefixed, and long enough to need no password hashing', () => {
    const a = generateGatewayKey();
    const b = generateGatewayKey();
    expect(a).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('hash deterministically and never contain the key', () => {
    const key = generateGatewayKey();
    expect(hashGatewayKey(key)).toBe(hashGatewayKey(key));
    expect(hashGatewayKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashGatewayKey(key)).not.toContain(key.slice(6));
  });

  it('mask to a prefix and the last four characters', () => {
    const key = generateGatewayKey();
    const masked = maskGatewayKey(key);
    expect(masked.startsWith(key.slice(0, 10))).toBe(true);
    expect(masked.endsWith(key.slice(-4))).toBe(true);
    expect(masked.length).toBeLessThan(20);
  });

  it('mask a key an operator chose to its last four characters', () => {
    expect(maskGatewayKey('my-own-admin-key-0123456789abcdefXYZ1')).toBe('…XYZ1');
  });
});
