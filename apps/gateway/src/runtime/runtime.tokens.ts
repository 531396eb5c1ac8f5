export const GATEWAY_CONFIG = Symbol('GatewayConfig');
export const LOGGER = Symbol('Logger');
/** The audit chain's verification (AuditVerification): chain key, checkpoint key, checkpoints. */
export const AUDIT_VERIFICATION = Symbol('AuditVerification');
