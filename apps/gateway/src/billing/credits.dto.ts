import { IsString, Length, Matches } from 'class-validator';

/** POST /api/v1/admin/users/:id/credits */
export class GrantCreditsDto {
  /** Positive micro-dollars as a string ("5000000" = $5). */
  @IsString()
  @Matches(/^[1-9]\d{0,18}$/, {
    message:
      'amountMicros must be a positive whole number of micro-dollars as a string, e.g. "5000000" for $5',
  })
  amountMicros!: string;
  @IsString() @Length(1, 500) reason!: string;
}

/** POST /api/v1/me/credits/checkout */
export class CheckoutDto {
  @IsString() @Length(1, 40) packageId!: string;
}
