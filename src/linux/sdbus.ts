// libsystemd's sd-bus (libsystemd.so.0) through koffi: one connection to the system bus (or, for
// root, systemd's private socket when there is no bus), method calls whose arguments are
// marshalled from a D-Bus signature, and signals read with sd_bus_process. No koffi callbacks and
// no variadic functions (the Bun build's koffi support of those is unproven). The library is
// opened on the first call: only --systemd-cgroup loads it.
import { koffi, sharedLibrary } from './libc.js';
import { completeTypes } from './dbus-signature.js';
import { sysError, errnoText } from './errors.js';
import { RuntsError } from '../errors.js';

const lib = sharedLibrary('libsystemd.so.0');
const sd = {
  openSystem: lib.func('int sd_bus_open_system(_Out_ void **ret)'),
  newBus: lib.func('int sd_bus_new(_Out_ void **ret)'),
  setAddress: lib.func('int sd_bus_set_address(void *bus, const char *address)'),
  start: lib.func('int sd_bus_start(void *bus)'),
  close: lib.func('void *sd_bus_flush_close_unref(void *bus)'),
  newCall: lib.func('int sd_bus_message_new_method_call(void *bus, _Out_ void **m, const char *dest, const char *path, const char *iface, const char *member)'),
  appendStr: lib.func('int sd_bus_message_append_basic(void *m, char type, const char *p)'),
  appendRaw: lib.func('int sd_bus_message_append_basic(void *m, char type, const void *p)'),
  open: lib.func('int sd_bus_message_open_container(void *m, char type, const char *contents)'),
  closeContainer: lib.func('int sd_bus_message_close_container(void *m)'),
  call: lib.func('int sd_bus_call(void *bus, void *m, uint64_t usec, void *err, _Out_ void **reply)'),
  errorFree: lib.func('void sd_bus_error_free(void *err)'),
  unref: lib.func('void *sd_bus_message_unref(void *m)'),
  readStr: lib.func('int sd_bus_message_read_basic(void *m, char type, _Out_ const char **p)'),
  readU32: lib.func('int sd_bus_message_read_basic(void *m, char type, _Out_ uint32_t *p)'),
  enter: lib.func('int sd_bus_message_enter_container(void *m, char type, const char *contents)'),
  process: lib.func('int sd_bus_process(void *bus, _Out_ void **m)'),
  wait: lib.func('int sd_bus_wait(void *bus, uint64_t usec)'),
  isSignal: lib.func('int sd_bus_message_is_signal(void *m, const char *iface, const char *member)'),
};

const SYSTEMD_PRIVATE = 'unix:path=/run/systemd/private';
const CALL_TIMEOUT_US = 25_000_000n;
const EINTR = 4;

/** The D-Bus error name of an error reply (org.freedesktop.systemd1.NoSuchUnit, ...), or of an
 * error that wraps one. */
export function busNameOf(e: unknown): string | undefined {
  return e instanceof RuntsError ? e.detail.busName : undefined;
}

const code = (c: string) => c.charCodeAt(0);

function ok(r: number, op: string): number {
  if (r < 0) throw sysError(op, -r);
  return r;
}

/** A received message (a reply or a signal), read in order; free() once done. */
export class Message {
  constructor(private readonly m: unknown) {}
  str(type: 's' | 'o' | 'g' = 's'): string {
    const out: (string | null)[] = [null];
    ok(sd.readStr(this.m, code(type), out), 'sd_bus_message_read_basic');
    return out[0] ?? '';
  }
  u32(): number {
    const out = [0];
    ok(sd.readU32(this.m, code('u'), out), 'sd_bus_message_read_basic');
    return out[0];
  }
  enter(type: 'v' | 'a' | 'r', contents: string): void { ok(sd.enter(this.m, code(type), contents), 'sd_bus_message_enter_container'); }
  isSignal(iface: string, member: string): boolean { return sd.isSignal(this.m, iface, member) > 0; }
  free(): void { sd.unref(this.m); }
}

/** A D-Bus variant: its signature and value, for signature "v". */
export interface Variant { sig: string; value: unknown }

function appendBasic(m: unknown, t: string, v: unknown): number {
  if (t === 's' || t === 'o' || t === 'g') return sd.appendStr(m, code(t), String(v));
  const b = Buffer.alloc(8);
  switch (t) {
    case 'b': b.writeInt32LE(v ? 1 : 0); break;
    case 'y': b.writeUInt8(Number(v)); break;
    case 'i': b.writeInt32LE(Number(v)); break;
    case 'u': b.writeUInt32LE(Number(v)); break;
    case 'x': b.writeBigInt64LE(BigInt(v as number)); break;
    case 't': b.writeBigUInt64LE(BigInt(v as number)); break;
    case 'd': b.writeDoubleLE(Number(v)); break;
    default: throw new RuntsError('runtime', `sd-bus: cannot append D-Bus type ${t}`);
  }
  return sd.appendRaw(m, code(t), b);
}

function container(m: unknown, type: string, contents: string, body: () => void): void {
  ok(sd.open(m, code(type), contents), 'sd_bus_message_open_container');
  body();
  ok(sd.closeContainer(m), 'sd_bus_message_close_container');
}

/** Appends one value of the complete type sig: arrays are JS arrays, structs tuples, variants Variant. */
function append(m: unknown, sig: string, v: unknown): void {
  if (sig[0] === 'a') {
    const elem = sig.slice(1);
    container(m, 'a', elem, () => { for (const x of v as unknown[]) append(m, elem, x); });
  } else if (sig[0] === '(') {
    const inner = sig.slice(1, -1);
    container(m, 'r', inner, () => completeTypes(inner).forEach((t, i) => append(m, t, (v as unknown[])[i])));
  } else if (sig === 'v') {
    const x = v as Variant;
    container(m, 'v', x.sig, () => append(m, x.sig, x.value));
  } else {
    ok(appendBasic(m, sig, v), 'sd_bus_message_append_basic');
  }
}

/** One connection; calls block (runts' commands are synchronous anyway). */
export class Bus {
  private constructor(private handle: unknown, readonly direct: boolean) {}

  /** The system bus; for root, systemd's private socket when the system bus cannot be reached. */
  static system(): Bus {
    const out: unknown[] = [null];
    const r = sd.openSystem(out);
    if (r >= 0) return new Bus(out[0], false);
    if (process.getuid?.() !== 0) throw sysError('connect to the system bus', -r);
    return Bus.direct(SYSTEMD_PRIVATE, -r);
  }

  private static direct(address: string, busErrno: number): Bus {
    const out: unknown[] = [null];
    ok(sd.newBus(out), 'sd_bus_new');
    const b = out[0];
    const r = sd.setAddress(b, address) < 0 ? -1 : sd.start(b);
    if (r < 0) {
      sd.close(b);
      throw sysError(`connect to the system bus (${errnoText(busErrno)}) or ${address.replace('unix:path=', '')}`, -r);
    }
    return new Bus(b, true);
  }

  /** Calls a method; args follow sig (complete types in order). Error replies throw a 'bus' error. */
  call(dest: string, path: string, iface: string, member: string, sig: string, args: unknown[]): Message {
    const mo: unknown[] = [null];
    ok(sd.newCall(this.handle, mo, dest, path, iface, member), 'sd_bus_message_new_method_call');
    const m = mo[0];
    try {
      completeTypes(sig).forEach((t, i) => append(m, t, args[i]));
      const err = Buffer.alloc(24); // sd_bus_error: name, message, _need_free
      const ro: unknown[] = [null];
      const r = sd.call(this.handle, m, CALL_TIMEOUT_US, err, ro);
      if (r < 0) {
        const name = koffi.cString(err, 0), text = koffi.cString(err, 8);
        sd.errorFree(err);
        if (name) throw new RuntsError('bus', text || name, { busName: name });
        throw sysError(`${iface}.${member}`, -r);
      }
      return new Message(ro[0]);
    } finally { sd.unref(m); }
  }

  /** The bus daemon routes signals only to connections with a match (not needed on a direct socket). */
  addMatch(rule: string): void {
    if (this.direct) return;
    this.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [rule]).free();
  }

  /**
   * Processes incoming messages until pick returns a value for one of them (each message is freed
   * after pick), or until timeoutMs passes (undefined).
   */
  waitFor<T>(pick: (m: Message) => T | undefined, timeoutMs: number): T | undefined {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mo: unknown[] = [null];
      const r = ok(sd.process(this.handle, mo), 'sd_bus_process');
      if (mo[0]) {
        const msg = new Message(mo[0]);
        try { const v = pick(msg); if (v !== undefined) return v; } finally { msg.free(); }
      }
      if (r > 0) continue;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const w = sd.wait(this.handle, BigInt(left) * 1000n);
      if (w !== -EINTR) ok(w, 'sd_bus_wait');
    }
  }

  close(): void {
    if (this.handle) sd.close(this.handle);
    this.handle = null;
  }
}
