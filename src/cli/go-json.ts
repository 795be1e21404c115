// JSON as runc's Go encoder prints numbers: integers above 2^53 in full. JSON.stringify prints
// the shortest text that reads back as the same double (9223372036854771712, an unlimited v1
// memory limit, becomes 9223372036854772000); cgroup counters are unsigned 64-bit integers.

const MAX_U64_AS_DOUBLE = 2 ** 64; // parseU64's 2^64-1 ("max") rounds to this double
const MARK = '\u0001';

function exact(n: number): string {
  return n === MAX_U64_AS_DOUBLE ? '18446744073709551615' : BigInt(n).toString();
}

export function goJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) =>
    (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER ? `${MARK}${exact(v)}${MARK}` : v));
  return text.replace(/"\\u0001(-?\d+)\\u0001"/g, '$1');
}
