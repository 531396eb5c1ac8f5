import type { SubscribeToAllOptions, Subscription } from '../event-store.port';

/**
 * The subscriptions a store has open, so that closing the store stops them. A subscription leaves the
 * set when it is stopped or fails.
 */
export class OpenSubscriptions {
  private readonly open = new Set<Subscription>();

  /** Starts `start` with an error handler that forgets the subscription before reporting the error. */
  track(
    options: SubscribeToAllOptions,
    start: (options: SubscribeToAllOptions) => Subscription,
  ): Subscription {
    const onError = (error: Error): void => {
      this.open.delete(subscription);
      options.onError?.(error);
    };
    const inner = start({ ...options, onError });
    const subscription: Subscription = {
      stop: async () => {
        this.open.delete(subscription);
        await inner.stop();
      },
    };
    this.open.add(subscription);
    return subscription;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.stop()));
  }
}
