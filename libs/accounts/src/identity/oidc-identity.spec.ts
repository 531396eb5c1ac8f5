import { rolesFromClaims, subjectUserId } from './oidc-identity';

describe('rolesFromClaims', () => {
  it("reads Keycloak's realm_access.roles and keeps only the gateway's roles", () => {
    const claims = { realm_access: { roles: ['offline_access', 'admin', 'uma_authorization', 'auditor'] } };
    expect(rolesFromClaims(claims, 'realm_access.roles')).toEqual(['admin', 'auditor']);
  });

  it('reads another dotted path, a space-separated string too', () => {
    expect(rolesFromClaims({ gw: { roles: 'auditor user' } }, 'gw.roles')).toEqual(['auditor', 'user']);
    expect(rolesFromClaims({ roles: ['admin', 'admin'] }, 'roles')).toEqual(['admin']);
  });

  it('a token with none of our roles (or no claim, or a claim of the wrong shape) is a plain user', () => {
    expect(rolesFromClaims({ realm_access: { roles: ['superuser'] } }, 'realm_access.roles')).toEqual([
      'user',
    ]);
    expect(rolesFromClaims({}, 'realm_access.roles')).toEqual(['user']);
    expect(rolesFromClaims({ realm_access: ['admin'] }, 'realm_access.roles')).toEqual(['user']);
    expect(rolesFromClaims({ realm_access: { roles: [{ admin: true }, 7] } }, 'realm_access.roles')).toEqual([
      'user',
    ]);
  });
});

describe('subjectUserId', () => {
  it('is a UUID v5, the same for the same issuer and subject on every instance', () => {
    const id = subjectUserId('https://idp.example/realms/a', 'alice');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(subjectUserId('https://idp.example/realms/a', 'alice')).toBe(id);
  });

  it('differs by issuer and by subject', () => {
    const id = subjectUserId('https://idp.example/realms/a', 'alice');
    expect(subjectUserId('https://idp.example/realms/b', 'alice')).not.toBe(id);
    expect(subjectUserId('https://idp.example/realms/a', 'bob')).not.toBe(id);
  });

  it('matches a known UUID v5 (URL namespace)', () => {
    // v5('https://idp.example/realms/a#alice', v5.URL), as the `uuid` package computes it
    expect(subjectUserId('https://idp.example/realms/a', 'alice')).toBe(
      'c63294ba-b3fc-5421-b66b-56e691192ee8',
    );
  });
});
