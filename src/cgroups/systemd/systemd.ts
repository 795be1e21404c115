// systemd's manager over D-Bus (org.freedesktop.systemd1.Manager): start a transient unit and
// wait for its job, set properties, stop a unit and wait, read the version. One connection per
// command, opened on first use; the JobRemoved match is added before the first job is queued, so
// its signal cannot be missed.
import { Bus, busNameOf, type Message } from '../../linux/sdbus.js';
import type { Property } from './properties.js';
import { isKind, wrap } from '../../errors.js';
import { cgroupError } from '../errors.js';

const DEST = 'org.freedesktop.systemd1';
const PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const JOB_MATCH = `type='signal',sender='${DEST}',path='${PATH}',interface='${MANAGER}',member='JobRemoved'`;
const JOB_TIMEOUT_MS = 30_000;

const props = (p: Property[]) => p.map((x) => [x.name, x.value]);

export class Systemd {
  private bus?: Bus;
  private matching = false;
  private ver?: number;

  private conn(): Bus {
    if (this.bus) return this.bus;
    try { this.bus = Bus.system(); } catch (e) { throw cgroupError(`systemd: ${(e as Error).message}`); }
    return this.bus;
  }

  private call(member: string, sig: string, args: unknown[], what: string): Message {
    try { return this.conn().call(DEST, PATH, MANAGER, member, sig, args); } catch (e) {
      if (isKind(e, 'cgroup')) throw e;
      throw wrap(e, `cgroup: systemd: ${what}`, 'cgroup', { busName: busNameOf(e) });
    }
  }

  /** Queues a job (the call returns its path) and waits for JobRemoved: its result ("done", "failed", ...). */
  private job(member: string, sig: string, args: unknown[], what: string): string {
    if (!this.matching) { this.conn().addMatch(JOB_MATCH); this.matching = true; }
    const reply = this.call(member, sig, args, what);
    let path: string;
    try { path = reply.str('o'); } finally { reply.free(); }
    const result = this.conn().waitFor((m) => {
      if (!m.isSignal(MANAGER, 'JobRemoved')) return undefined;
      m.u32();
      if (m.str('o') !== path) return undefined;
      m.str();
      return m.str();
    }, JOB_TIMEOUT_MS);
    return result ?? 'timeout';
  }

  /** StartTransientUnit (mode "replace"); a unit that already exists is used as it is (as runc). */
  startUnit(unit: string, p: Property[]): void {
    let result: string;
    try { result = this.job('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', props(p), []], `start unit ${unit}`); } catch (e) {
      if (busNameOf(e) === 'org.freedesktop.systemd1.UnitExists') return;
      throw e;
    }
    if (result === 'done') return;
    this.resetFailed(unit);
    throw cgroupError(`systemd: start unit ${unit}: job ${result === 'timeout' ? 'did not finish in 30 s' : `result "${result}"`}`);
  }

  /** StopUnit (mode "replace") and wait; a unit that is not there is fine. */
  stopUnit(unit: string): void {
    let result: string;
    try { result = this.job('StopUnit', 'ss', [unit, 'replace'], `stop unit ${unit}`); } catch (e) {
      if (busNameOf(e) === 'org.freedesktop.systemd1.NoSuchUnit') return;
      throw e;
    }
    if (result === 'timeout') throw cgroupError(`systemd: stop unit ${unit}: job did not finish in 30 s`);
    // another result ("canceled", "failed"): the unit is going anyway; its cgroups are removed after
  }

  /** SetUnitProperties with runtime=true (not saved across a reboot). */
  setProperties(unit: string, p: Property[]): void {
    if (p.length) this.call('SetUnitProperties', 'sba(sv)', [unit, true, props(p)], `set properties of unit ${unit}`).free();
  }

  private resetFailed(unit: string): void {
    try { this.call('ResetFailedUnit', 's', [unit], '').free(); } catch { /* best effort, as runc */ }
  }

  /** systemd's version number ("252.19-1~deb12u1" -> 252); -1 when it cannot be read. */
  version(): number {
    if (this.ver !== undefined) return this.ver;
    this.ver = -1;
    try {
      const m = this.conn().call(DEST, PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [MANAGER, 'Version']);
      try { m.enter('v', 's'); this.ver = Number(/v?(\d+)/.exec(m.str())?.[1] ?? -1); } finally { m.free(); }
    } catch { /* as runc: an unknown version turns off the properties that need one */ }
    return this.ver;
  }

  close(): void {
    this.bus?.close();
    this.bus = undefined;
  }
}
