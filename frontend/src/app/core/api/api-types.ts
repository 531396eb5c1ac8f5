// Placeholder until scripts/api-client.mjs generates this file from the gateway's OpenAPI document.
export interface components {
  schemas: {
    MeView: {
      id: string;
      name: string;
      roles: ('user' | 'admin' | 'auditor')[];
      tier: string;
      powerLevel: 'eco' | 'balanced' | 'precision';
      allowedPowerLevels: ('eco' | 'balanced' | 'precision')[];
      byok: { allowed: boolean; keysPerProvider: number };
    };
    AccessTokenView: { accessToken: string; tokenType: string; expiresIn: number };
    AuthConfigView:
      | { mode: 'local'; loginUrl: string; refreshUrl: string; logoutUrl: string }
      | {
          mode: 'oidc';
          issuer: string;
          clientId: string;
          audience: string;
          scopes: string[];
          authorizationEndpoint: string;
        };
  };
}
