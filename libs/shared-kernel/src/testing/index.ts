export * from './decider-spec';
export * from './announce-skip';
export * from './eventually';
export * from './tcp-proxy';
export * from './manual-clock';
