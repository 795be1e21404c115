// A NUL byte ends a C string: in a path, an argument or an environment entry it would silently
// cut what the kernel sees ("/tmp\u0000/../etc" is /tmp). Strings of a document that reach the
// kernel are refused when they hold one, with the JSON Pointer of the first; runc refuses them
// too (Go's syscall package will not pass such a string).

const pointerToken = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The JSON Pointer (under `base`) of the first string, or object key, in `value` holding a NUL
 * byte, skipping the members whose pointers `skip` lists (annotations reach no kernel). Values
 * are walked without recursion; their depth is bounded by json-text's scanner anyway.
 */
export function findNul(value: unknown, base = '', skip: string[] = []): string | undefined {
  const todo: [unknown, string][] = [[value, base]];
  for (let item = todo.pop(); item; item = todo.pop()) {
    const [v, at] = item;
    if (typeof v === 'string') { if (v.includes('\0')) return at || '/'; continue; }
    if (v === null || typeof v !== 'object') continue;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i];
      const p = `${at}/${pointerToken(k)}`;
      if (skip.includes(p)) continue;
      if (k.includes('\0')) return p;
      todo.push([x, p]);
    }
  }
  return undefined;
}
