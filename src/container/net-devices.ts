// linux.netDevices (runc 1.4): each host interface named is moved into the container's network
// namespace under its new name (the same name when none is given), in one request, as the
// init's namespaces exist and before any hook runs. Its permanent addresses of global scope go
// along (the kernel drops addresses on a move), and it is set up. A new name with "%d" is a
// template the kernel fills in with the first free number, as the spec allows. Nothing moves it back: the
// spec forbids it; when the namespace goes, the kernel returns physical devices to the host and
// destroys virtual ones.
import { closeSync, openSync } from 'node:fs';
import { attrsOf, cString, IFA_ADDRESS, IFA_FLAGS, IFA_LOCAL, IFF_UP, ifinfo, IFLA_IFNAME, IFLA_NET_NS_FD, Netlink, RTM, rtattr, u32 } from '../linux/netlink.js';
import type { Spec } from '../spec/types.js';
import { RuntsError } from '../errors.js';

const IFA_F_PERMANENT = 0x80, RT_SCOPE_UNIVERSE = 0;

/** The index of the link named `name` (or, for a template name such as "eth%d", which the
 * kernel fills in, the link that had index `was`: a move keeps it unless the namespace has it). */
function linkIndex(nl: Netlink, name: string, where: string, was = 0): number {
  const byName = !name.includes('%') || !was;
  try {
    const [link] = nl.request(RTM.GETLINK, Buffer.concat([ifinfo(byName ? 0 : was), ...(byName ? [rtattr(IFLA_IFNAME, cString(name))] : [])]),
      { what: 'RTM_GETLINK' });
    return link.body.readInt32LE(4);
  } catch (e) { throw new RuntsError('runtime', `link not found for interface ${name} on ${where}: ${(e as Error).message}`); }
}

interface Address { family: number; prefixlen: number; attrs: Buffer[] }

/** The permanent addresses of global scope of link `index` (struct ifaddrmsg, then rtattrs). */
function addresses(nl: Netlink, index: number): Address[] {
  return nl.request(RTM.GETADDR, Buffer.alloc(8), { dump: true, what: 'RTM_GETADDR' }).flatMap(({ body }) => {
    const attrs = attrsOf(body, 8);
    const flags = attrs.find((a) => a.type === IFA_FLAGS)?.data.readUInt32LE(0) ?? body[2];
    if (body.readUInt32LE(4) !== index || body[3] !== RT_SCOPE_UNIVERSE || !(flags & IFA_F_PERMANENT)) return [];
    const keep = attrs.filter((a) => a.type === IFA_ADDRESS || a.type === IFA_LOCAL).map((a) => rtattr(a.type, a.data));
    return [{ family: body[0], prefixlen: body[1], attrs: keep }];
  });
}

function ifaddr(a: Address, index: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = a.family; b[1] = a.prefixlen; b[3] = RT_SCOPE_UNIVERSE; b.writeUInt32LE(index, 4);
  return Buffer.concat([b, ...a.attrs]);
}

function moveOne(host: Netlink, nsPath: string, name: string, newName: string): void {
  const index = linkIndex(host, name, 'runtime namespace');
  host.request(RTM.NEWLINK, ifinfo(index, 0, IFF_UP), { what: `set ${name} down` });
  const addrs = addresses(host, index);
  const nsFd = openSync(nsPath, 'r');
  try {
    host.request(RTM.NEWLINK, Buffer.concat([ifinfo(index), rtattr(IFLA_IFNAME, cString(newName)), rtattr(IFLA_NET_NS_FD, u32(nsFd))]),
      { what: `move network device ${name} to network namespace ${nsPath}` });
  } finally { closeSync(nsFd); }
  const ns = Netlink.open(nsPath);
  try {
    const there = linkIndex(ns, newName, `namespace ${nsPath}`, index);
    for (const a of addrs) ns.request(RTM.NEWADDR, ifaddr(a, there), { create: true, what: `set up an address of ${newName} in ${nsPath}` });
    ns.request(RTM.NEWLINK, ifinfo(there, IFF_UP, IFF_UP), { what: `set ${newName} up in ${nsPath}` });
  } finally { ns.close(); }
}

/** Moves every device of linux.netDevices into the network namespace of pid. */
export function moveNetDevices(spec: Spec, pid: number): void {
  const devices = Object.entries(spec.linux?.netDevices ?? {});
  if (!devices.length) return;
  const nsPath = `/proc/${pid}/ns/net`;
  const host = Netlink.open();
  try {
    for (const [name, d] of devices) {
      try { moveOne(host, nsPath, name, d.name || name); } catch (e) {
        throw new RuntsError('runtime', `error creating network interfaces: move netDevice ${name} to namespace ${nsPath}: ${(e as Error).message}`);
      }
    }
  } finally { host.close(); }
}
