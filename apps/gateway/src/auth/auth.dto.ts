import { IsString, Length } from 'class-validator';

/** POST /api/v1/auth/login */
export class LoginDto {
  @IsString() @Length(1, 200) username!: string;
  @IsString() @Length(1, 1024) password!: string;
}
