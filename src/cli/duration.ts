// Go's time.ParseDuration, as runc's flags take durations ("1h", "1m30s", "250ms", "1.5s").

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined where Go's parser fails (a bare number but "0" needs a unit). */
export function parseGoDuration(text: string): number | undefined {
  const m = /^([-+]?)(.*)$/s.exec(text)!;
  const sign = m[1] === '-' ? -1 : 1, body = m[2];
  if (body === '0') return 0;
  if (!body) return undefined;
  let ms = 0;
  for (let rest = body; rest; ) {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    ms += Number(part[1]) * UNIT_MS[part[2]];
    rest = rest.slice(part[0].length);
  }
  return sign * ms;
}
