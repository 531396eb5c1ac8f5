export const USAGE_TOTALS_TABLE = 'usage_totals_by_user';
