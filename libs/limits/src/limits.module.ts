import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeRateLimitsHandler } from './commands/change-rate-limits/change-rate-limits.handler';

/** Needs EVENT_STORE and CLOCK from a global module of the app that imports it. */
@Module({ imports: [CqrsModule], providers: [ChangeRateLimitsHandler] })
export class LimitsModule {}
