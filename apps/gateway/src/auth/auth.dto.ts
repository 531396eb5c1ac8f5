import { IsString, Length, Matches } from 'class-validator';

/** POST /api/v1/auth/login */
export class LoginDto {
  @IsString() @Length(1, 200) username!: string;
  @IsString() @Length(1, 1024) password!: string;
}

/** POST /api/v1/auth/oidc/token: what the issuer sent the portal back to /login with, and its PKCE verifier. */
export class OidcTokenDto {
  @IsString() @Length(1, 4096) code!: string;
  /** RFC 7636: 43 to 128 characters of [A-Za-z0-9-._~]. */
  @IsString()
  @Matches(/^[A-Za-z0-9\-._~]{43,128}$/, {
    message: 'codeVerifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~',
  })
  codeVerifier!: string;
  @IsString() @Length(1, 2048) redirectUri!: string;
}
