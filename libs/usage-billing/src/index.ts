export * from './projections/usage-totals-by-user/usage-totals-by-user.row';
export * from './projections/usage-totals-by-user/usage-totals-by-user.table';
export * from './queries/get-my-usage/get-my-usage.query';
export * from './queries/get-my-usage/get-my-usage.handler';
export * from './usage-billing.module';
export * from './projections/usage-totals-by-user/usage-totals-by-user.writer';
export * from './projections/usage-totals-by-user/usage-totals-by-user.projection';
export * from './usage-billing.projections';
