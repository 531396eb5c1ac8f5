/**
 * The lag of the in-process projections (embedded mode), measured at scrape time. The measurement
 * lives in @gw/projections, where apps/projector measures the same in full mode.
 */
export { measureProjectionLag, type LagSubject } from '@gw/projections';
