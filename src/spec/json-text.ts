// JSON text from a file a user gives runts (config.json, exec --process, update -r): checked
// before JSON.parse by a small iterative scanner, so that a syntax error is reported the same
// way by every engine (line, column, what was expected and what was found, on one line) and
// nesting deeper than MAX_DEPTH is refused before any recursive code (null removal, schema
// validation, cloning) could exhaust the stack.

/** Deeper than any config.json has reason to be (the spec's own objects nest ~6 levels). */
export const MAX_DEPTH = 1000;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set('"\\/bfnrt');
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

class Scan {
  i = 0;
  readonly stack: number[] = []; // 0x7b '{' or 0x5b '['
  constructor(readonly text: string) {}

  ws(): void { while (WS.has(this.text.charCodeAt(this.i))) this.i++; }

  /** Past a string starting at i (a '"'), or false where it stops being one. */
  string(): boolean {
    const t = this.text;
    if (t[this.i] !== '"') return false;
    for (let j = this.i + 1; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === 0x22) { this.i = j + 1; return true; }
      if (c < 0x20) { this.i = j; return false; }
      if (c !== 0x5c) continue;
      if (t[j + 1] === 'u' && HEX4.test(t.slice(j + 2, j + 6))) j += 5;
      else if (ESCAPES.has(t[j + 1])) j++;
      else { this.i = j; return false; }
    }
    this.i = t.length;
    return false;
  }

  token(re: RegExp): boolean {
    re.lastIndex = this.i;
    if (!re.test(this.text)) return false;
    this.i = re.lastIndex;
    return true;
  }
}

function position(text: string, i: number): string {
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return `line ${line}, column ${i - before.lastIndexOf('\n')}`;
}

function found(text: string, i: number): string {
  if (i >= text.length) return 'the end of the input';
  return JSON.stringify(text.slice(i, i + 12)) + (i + 12 < text.length ? '...' : '');
}

/** What is wrong with the text as JSON, in one line, or undefined when it is well-formed. */
export function jsonSyntaxError(text: string): string | undefined {
  const s = new Scan(text);
  const fail = (expected: string) => `${position(text, s.i)}: expected ${expected}, found ${found(text, s.i)}`;
  let want: 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' = 'value';
  for (;;) {
    s.ws();
    const c = text.charCodeAt(s.i);
    if ((want === 'keyOrEnd' && c === 0x7d) || (want === 'valueOrEnd' && c === 0x5d)) {
      s.stack.pop(); s.i++;
    } else if (want === 'key' || want === 'keyOrEnd') {
      if (!s.string()) return fail('a property name (a string)');
      s.ws();
      if (text[s.i] !== ':') return fail("':'");
      s.i++; want = 'value';
      continue;
    } else if (c === 0x7b || c === 0x5b) {
      s.stack.push(c); s.i++;
      if (s.stack.length > MAX_DEPTH) return `${position(text, s.i - 1)}: nested deeper than ${MAX_DEPTH} levels`;
      want = c === 0x7b ? 'keyOrEnd' : 'valueOrEnd';
      continue;
    } else if (!s.string() && !s.token(NUMBER) && !s.token(LITERAL)) {
      return fail('a value');
    }
    // after a value: the end, a comma, or the end of the enclosing object or array
    for (;;) {
      s.ws();
      const top = s.stack[s.stack.length - 1];
      if (top === undefined) return s.i === text.length ? undefined : fail('the end of the input');
      const close = top === 0x7b ? '}' : ']';
      if (text[s.i] === ',') { s.i++; want = top === 0x7b ? 'key' : 'value'; break; }
      if (text[s.i] !== close) return fail(`',' or '${close}'`);
      s.stack.pop(); s.i++;
    }
  }
}

/** Parses JSON text; `what` names the source in the error ("config.json"). */
export function parseJsonText(text: string, what: string, fail: (msg: string) => Error): unknown {
  const syntax = jsonSyntaxError(text);
  if (syntax) throw fail(`${what}: invalid JSON at ${syntax}`);
  try { return JSON.parse(text); } catch (e) {
    throw fail(`${what}: invalid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}
