import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, InjectionToken, signal } from '@angular/core';
import { ApiError, asApiError } from '../../core/http/api-error';
import { LowBalanceStore } from '../../core/layout/low-balance-store';
import {
  CreditsApi,
  type CreditPackageView,
  type CreditsView,
  type LedgerEntryView,
  type UsageForecastView,
} from './credits-api';

/** Ledger entries per page. */
export const LEDGER_PAGE_SIZE = 25;

/** Full-page navigation (the checkout is another page, not a route of the portal). */
export const BROWSER_LOCATION = new InjectionToken<Pick<Location, 'assign'>>('BROWSER_LOCATION', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).location,
});

/**
 * Where the browser goes to pay. The gateway's demo checkout comes back to this page afterwards
 * (`return`, a portal path); a payment provider's page (PAYMENT_CHECKOUT_URL) is left as configured.
 */
export function checkoutDestination(checkoutUrl: string, purchaseId: string): string {
  if (!checkoutUrl.startsWith('/billing/demo-checkout')) return checkoutUrl;
  const back = `/app/credits?purchase=${encodeURIComponent(purchaseId)}`;
  return `${checkoutUrl}${checkoutUrl.includes('?') ? '&' : '?'}return=${encodeURIComponent(back)}`;
}

/** The ledger entry a purchase's payment granted (its reference is `purchase-<purchaseId>`). */
export const purchaseEntry = (
  entries: readonly LedgerEntryView[],
  purchaseId: string,
): LedgerEntryView | undefined =>
  entries.find((e) => e.kind === 'purchase' && e.reference === `purchase-${purchaseId}`);

/** The package's extra credits over its price, in whole percent (0 when none). */
export function bonusPercent(p: CreditPackageView): number {
  const price = BigInt(p.priceMicros);
  const worth = BigInt(p.amountMicros);
  if (price <= 0n || worth <= price) return 0;
  return Number(((worth - price) * 100n) / price);
}

/** Page state for /app/credits: balance and month, packages and checkout, the ledger, the low-balance alert. */
@Injectable()
export class CreditsStore {
  private readonly api = inject(CreditsApi);
  private readonly location = inject(BROWSER_LOCATION);
  private readonly lowBalance = inject(LowBalanceStore);

  private readonly creditsState = signal<CreditsView | null>(null);
  private readonly forecastState = signal<UsageForecastView | null>(null);
  private readonly alertState = signal<string | null>(null);
  private readonly loadingState = signal(true);
  private readonly errorState = signal<ApiError | null>(null);

  private readonly packageList = signal<readonly CreditPackageView[]>([]);
  private readonly packagesLoading = signal(true);
  private readonly packagesFailure = signal<ApiError | null>(null);
  private readonly buyingId = signal<string | null>(null);
  private readonly buyFailure = signal<ApiError | null>(null);

  private readonly entries = signal<readonly LedgerEntryView[]>([]);
  private readonly cursor = signal<string | null>(null);
  private readonly ledgerBusy = signal(true);
  private readonly ledgerFailure = signal<ApiError | null>(null);

  private readonly alertBusy = signal(false);
  private readonly alertFailure = signal<ApiError | null>(null);
  private readonly alertText = signal<string | null>(null);

  readonly credits = this.creditsState.asReadonly();
  readonly forecast = this.forecastState.asReadonly();
  /** The low-balance alert threshold, integer micro-dollars; null: none. */
  readonly alertMicros = this.alertState.asReadonly();
  readonly loading = this.loadingState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly packages = this.packageList.asReadonly();
  readonly packagesBusy = this.packagesLoading.asReadonly();
  readonly packagesError = this.packagesFailure.asReadonly();
  /** The package whose checkout is being started. */
  readonly buying = this.buyingId.asReadonly();
  readonly buyError = this.buyFailure.asReadonly();
  readonly ledger = this.entries.asReadonly();
  readonly ledgerLoading = this.ledgerBusy.asReadonly();
  readonly ledgerError = this.ledgerFailure.asReadonly();
  readonly hasMoreLedger = computed(() => this.cursor() !== null);
  readonly alertSaving = this.alertBusy.asReadonly();
  readonly alertError = this.alertFailure.asReadonly();
  /** The confirmation after saving the alert (announced politely). */
  readonly alertSaved = this.alertText.asReadonly();

  /** Everything the page shows, side by side; packages and the ledger fail on their own. */
  async load(): Promise<void> {
    await Promise.all([this.loadSummary(), this.loadPackages(), this.reloadLedger()]);
  }

  /** Balance, month and forecast, and the alert threshold: the page's main part. */
  async loadSummary(): Promise<void> {
    this.loadingState.set(true);
    this.errorState.set(null);
    try {
      const [credits, forecast, settings] = await Promise.all([
        this.api.credits(),
        this.api.forecast(),
        this.api.settings(),
      ]);
      this.creditsState.set(credits);
      this.forecastState.set(forecast);
      this.alertState.set(settings.lowBalanceAlertMicros);
      this.lowBalance.report({
        balanceMicros: credits.balanceMicros,
        thresholdMicros: settings.lowBalanceAlertMicros,
      });
    } catch (e) {
      this.errorState.set(asApiError(e));
    } finally {
      this.loadingState.set(false);
    }
  }

  async loadPackages(): Promise<void> {
    this.packagesLoading.set(true);
    this.packagesFailure.set(null);
    try {
      this.packageList.set((await this.api.packages()).packages);
    } catch (e) {
      this.packagesFailure.set(asApiError(e));
    } finally {
      this.packagesLoading.set(false);
    }
  }

  /** The newest page of the ledger again. */
  async reloadLedger(): Promise<void> {
    await this.fetchLedger(null);
  }

  /** The next (older) page, appended. */
  async loadMoreLedger(): Promise<void> {
    const before = this.cursor();
    if (before === null || this.ledgerBusy()) return;
    await this.fetchLedger(before);
  }

  private async fetchLedger(before: string | null): Promise<void> {
    this.ledgerBusy.set(true);
    this.ledgerFailure.set(null);
    try {
      const page = await this.api.ledger(before, LEDGER_PAGE_SIZE);
      this.entries.update((known) => (before === null ? page.data : [...known, ...page.data]));
      this.cursor.set(page.nextCursor);
    } catch (e) {
      this.ledgerFailure.set(asApiError(e));
    } finally {
      this.ledgerBusy.set(false);
    }
  }

  /** Starts a checkout and sends the browser to pay; false (with buyError) when it could not start. */
  async buy(packageId: string): Promise<boolean> {
    if (this.buyingId() !== null) return false;
    this.buyingId.set(packageId);
    this.buyFailure.set(null);
    try {
      const checkout = await this.api.checkout(packageId);
      this.location.assign(checkoutDestination(checkout.checkoutUrl, checkout.purchaseId));
      return true;
    } catch (e) {
      this.buyFailure.set(asApiError(e));
      this.buyingId.set(null);
      return false;
    }
  }

  /** Saves the low-balance alert (null removes it); the banner follows at once. */
  async saveAlert(thresholdMicros: string | null): Promise<boolean> {
    if (this.alertBusy()) return false;
    this.alertBusy.set(true);
    this.alertFailure.set(null);
    this.alertText.set(null);
    try {
      const saved = await this.api.setLowBalanceAlert(thresholdMicros);
      this.alertState.set(saved.lowBalanceAlertMicros);
      this.lowBalance.report({ thresholdMicros: saved.lowBalanceAlertMicros });
      this.alertText.set(
        saved.lowBalanceAlertMicros === null ? 'Low-balance alert removed.' : 'Low-balance alert saved.',
      );
      return true;
    } catch (e) {
      this.alertFailure.set(asApiError(e));
      return false;
    } finally {
      this.alertBusy.set(false);
    }
  }

  /** The alert field was edited: the last confirmation no longer describes it. */
  alertEdited(): void {
    this.alertText.set(null);
    this.alertFailure.set(null);
  }
}
