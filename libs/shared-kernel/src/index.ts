export * from './events';
export * from './decider';
export * from './errors';
export * from './clock';
export * from './ids';
export * from './money';
export * from './vocabulary';
export * from './upstream-address-policy';
