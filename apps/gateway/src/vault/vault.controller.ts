import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { KEY_VAULT, KeyVaultError, type KeyVault } from '@gw/key-vault';
import { IllegalStateError, ValidationError } from '@gw/shared-kernel';
import { AdminGuard } from '../auth/admin.guard';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { RotatingKeyVault, type RewrapOutcome } from './rotating-key-vault';
import { ApiView } from '../http/openapi-views';

/** `{}`, no body, or `{addKey: boolean}`; anything else is a 400. */
function parseRewrapBody(body: unknown): { addKey: boolean } {
  if (body === undefined || body === null) return { addKey: false };
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('REQUEST.INVALID_BODY', 'The body is a JSON object: {"addKey"?: boolean}');
  const { addKey, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined)
    throw new ValidationError('REQUEST.UNKNOWN_FIELD', `Unknown field ${unknown}`, { param: unknown });
  if (addKey !== undefined && typeof addKey !== 'boolean')
    throw new ValidationError('REQUEST.INVALID_FIELD', 'addKey must be a boolean', { param: 'addKey' });
  return { addKey: addKey === true };
}

/**
 * Admin: key-encryption key rotation inside a running gateway (embedded mode, where the rewrap CLI
 * cannot open the data directory beside it). Requests keep being served throughout.
 */
@ApiTags('admin: vault')
@ApiBearerAuth()
@Controller('api/v1/admin/vault')
@UseGuards(GatewayKeyGuard, AdminGuard)
export class VaultController {
  constructor(@Inject(KEY_VAULT) private readonly vault: KeyVault) {}

  /**
   * Reloads the key-encryption keys (with `addKey: true`, first adds a fresh version to
   * `$DATA_DIR/vault-keys.json`), then re-wraps every data key under the active version. The keys'
   * ciphertexts and the events stay as they are. Answers what it re-wrapped.
   */
  @ApiBody({
    required: false,
    schema: { type: 'object', properties: { addKey: { type: 'boolean', default: false } } },
  })
  @ApiView('RewrapOutcome')
  @Post('rewrap')
  @HttpCode(200)
  async rewrap(@Body() body: unknown): Promise<RewrapOutcome> {
    const { addKey } = parseRewrapBody(body);
    if (!(this.vault instanceof RotatingKeyVault))
      throw new IllegalStateError(
        'VAULT.NOT_ROTATABLE',
        'This gateway’s vault cannot take new keys while it runs',
      );
    try {
      return await this.vault.rewrapWithReloadedKeys({ addKey });
    } catch (e) {
      // The vault's errors name versions and references, never key material.
      if (e instanceof KeyVaultError) throw new IllegalStateError('VAULT.REWRAP_FAILED', e.message);
      throw e;
    }
  }
}
