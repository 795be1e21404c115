// What a VM test of checkpoint/restore needs (test/integration/criu*-vm.test.ts): criu on the
// host (the VM runs the host's files) and the VM kernel's modules criu probes, loaded by insmod.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VM_CACHE } from './vm.js';

const CRIU = '/usr/sbin/criu';

/** false, or why a criu test cannot run. */
export const criuSkip = (): string | false => (existsSync(CRIU) ? false : `no ${CRIU} on the host (scripts/setup-host.sh installs Debian's criu)`);

/**
 * The modules criu probes at its start (its kerndat: nftables for the network lock, whose
 * libcrc32c needs a crc32c; conntrack's netlink, else nfnetlink answers criu's conntrack dump
 * with EINVAL; the sock_diag modules for sockets; tun, veth).
 */
export const CRIU_MODULES = ['crc32c_generic', 'nf_tables', 'nf_conntrack_netlink', 'xt_mark', 'unix_diag', 'inet_diag', 'tcp_diag', 'udp_diag', 'netlink_diag', 'af_packet_diag', 'tun', 'veth'];

/** Every .ko under dir, by module name. */
function modulesIn(dir: string, found = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) modulesIn(join(dir, e.name), found);
    else if (e.name.endsWith('.ko')) found.set(e.name.slice(0, -3).replace(/-/g, '_'), join(dir, e.name));
  }
  return found;
}

/**
 * Shell lines loading the VM kernel's modules NAMES (e.g. CRIU_MODULES), deepest dependency
 * first (the modules' own depends= fields; the VM's kernel cache has no modules.dep). Failures
 * go to SHARE/insmod.err.
 */
export function loadModules(share: string, names: string[]): string[] {
  const base = join(VM_CACHE, 'kernel/lib/modules');
  const version = existsSync(base) ? readdirSync(base)[0] : undefined;
  if (!version) return [];
  const all = modulesIn(join(base, version)), order: string[] = [];
  const visit = (m: string) => {
    const f = all.get(m);
    if (!f || order.includes(f)) return;
    const deps = /depends=([a-z0-9_,-]*)/.exec(readFileSync(f, 'latin1'))?.[1] ?? '';
    deps.split(',').filter(Boolean).forEach((d) => visit(d.replace(/-/g, '_')));
    order.push(f);
  };
  names.forEach(visit);
  return order.map((f) => `/bin/busybox insmod ${f} 2>>${share}/insmod.err`);
}
