// The bench scripts' settings from the environment, read the same way by each of them.

/** A non-negative number from `name`; unset or empty gives `fallback`. */
export const envNumber = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return v;
};

/** BENCH_GATEWAY_ENV="K=V K=V": extra environment for the gateway under test (experiments). */
export const gatewayEnvFromBenchEnv = () =>
  Object.fromEntries(
    (process.env.BENCH_GATEWAY_ENV || '')
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
