// v1 net_cls (classid) and net_prio (ifpriomap, one "<ifname> <prio>" line per interface).
import type { Resources } from '../../spec/types.js';
import { writeValue } from '../fs.js';
import { wantsNetCls, wantsNetPrio } from '../wants.js';
import type { V1Controller } from './controller.js';

function setClassid(dir: string, r: Resources): void {
  const id = r.network?.classID;
  if (id !== undefined && id !== null) writeValue(dir, 'net_cls.classid', id);
}

function setPriorities(dir: string, r: Resources): void {
  for (const p of r.network?.priorities ?? []) writeValue(dir, 'net_prio.ifpriomap', `${p.name} ${p.priority}`);
}

export const netCls: V1Controller = { name: 'net_cls', wants: wantsNetCls, set: setClassid };
export const netPrio: V1Controller = { name: 'net_prio', wants: wantsNetPrio, set: setPriorities };
