export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const LOGGER = Symbol('Logger');
