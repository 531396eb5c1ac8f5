import type { CheckpointSigningKey } from './audit-keys';

/**
 * A signed checkpoint of one stream: "stream S had revision R with link L at time T", signed with the
 * audit signing key (Ed25519). The stream must later still reach R with L there, so removing its last
 * events is detected even though nothing in the stream points at them. Anyone with the public key can
 * check the signature; writing a valid one needs the private key, which is not in the database.
 */
export interface AuditCheckpoint {
  readonly streamId: string;
  readonly revision: bigint;
  /** The chain link (`metadata.chain.hash`) of the event at `revision`. */
  readonly link: string;
  readonly signedAt: Date;
  /** Which signing key (see CheckpointVerifyKey.keyId). */
  readonly keyId: string;
  /** Base64 Ed25519 signature of `checkpointText`. */
  readonly signature: string;
}

/** Checks checkpoint signatures (CheckpointVerifyKey). */
export interface CheckpointVerifier {
  readonly keyId: string;
  verify(text: string, signature: string): boolean;
}

export type CheckpointHead = Pick<AuditCheckpoint, 'streamId' | 'revision' | 'link'>;

/** What is signed: a fixed-position JSON array with a domain label, the key id and the head. */
export const checkpointText = (checkpoint: Omit<AuditCheckpoint, 'signature'>): string =>
  JSON.stringify([
    'switchyard.audit-checkpoint.v1',
    checkpoint.keyId,
    checkpoint.streamId,
    checkpoint.revision.toString(),
    checkpoint.link,
    checkpoint.signedAt.toISOString(),
  ]);

export function signCheckpoint(
  key: CheckpointSigningKey,
  head: CheckpointHead,
  signedAt: Date,
): AuditCheckpoint {
  const unsigned = { ...head, signedAt, keyId: key.verifyKey.keyId };
  return { ...unsigned, signature: key.sign(checkpointText(unsigned)) };
}

/** Whether the checkpoint was signed by the verifier's key, over exactly these fields. */
export const checkpointHolds = (verifier: CheckpointVerifier, checkpoint: AuditCheckpoint): boolean =>
  checkpoint.keyId === verifier.keyId && verifier.verify(checkpointText(checkpoint), checkpoint.signature);
