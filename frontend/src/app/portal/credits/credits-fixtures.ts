import type {
  AlertSettings,
  CreditPackagesView,
  CreditsView,
  LedgerPage,
  UsageForecastView,
} from './credits-api';

export const CREDITS: CreditsView = {
  balanceMicros: '12345678',
  reservedMicros: '0',
  availableMicros: '12345678',
  monthSpendMicros: '2500000',
  monthlyCapMicros: '10000000',
  capMode: 'hard',
  credits: 12_345,
};

export const FORECAST: UsageForecastView = {
  monthStart: '2026-12-01T00:00:00.000Z',
  monthEnd: '2027-01-01T00:00:00.000Z',
  monthToDateMicros: '2500000',
  forecastMonthEndMicros: '12000000',
  capMicros: '10000000',
  capMode: 'hard',
  projectedOverCap: true,
  dailyRateMicros: '500000',
  rateWindow: { from: '2026-11-29T12:00:00.000Z', to: '2026-12-06T12:00:00.000Z' },
  balanceMicros: '12345678',
  daysOfCreditLeft: 24.7,
};

export const ALERT: AlertSettings = { lowBalanceAlertMicros: '2000000' };

export const PACKAGES: CreditPackagesView = {
  packages: [
    { id: 'credits-10', priceMicros: '10000000', credits: 10_000, amountMicros: '10000000' },
    { id: 'credits-50', priceMicros: '50000000', credits: 55_000, amountMicros: '55000000' },
  ],
};

export const LEDGER: LedgerPage = {
  data: [
    {
      id: 'req-1',
      at: '2026-12-06T11:00:00.000Z',
      kind: 'charge',
      amountMicros: '-1250',
      reference: 'req-1',
      description: 'sage/medium, 1,000 + 500 tokens',
      explanationUrl: '/api/v1/requests/req-1',
    },
    {
      id: 'g-1',
      at: '2026-12-01T09:00:00.000Z',
      kind: 'promotion',
      amountMicros: '5000000',
      reference: 'signup',
      description: 'Sign-up credits',
      explanationUrl: null,
    },
  ],
  nextCursor: 'cursor-2',
};
