// The messages of criu's RPC (criu swrk) runts sends and reads, as tables of their field numbers
// from criu's images/rpc.proto (criu 3.17 has every field here): only the fields runts sets or
// reads. Types for the same messages follow, as runts uses them.
import type { Schema } from './protobuf.js';

const extMountMap: Schema = { key: { n: 1, kind: 'string' }, val: { n: 2, kind: 'string' } };
const inheritFd: Schema = { key: { n: 1, kind: 'string' }, fd: { n: 2, kind: 'int32' } };
const joinNamespace: Schema = { ns: { n: 1, kind: 'string' }, nsFile: { n: 2, kind: 'string' } };
const cgroupRoot: Schema = { ctrl: { n: 1, kind: 'string' }, path: { n: 2, kind: 'string' } };
const pageServerInfo: Schema = { address: { n: 1, kind: 'string' }, port: { n: 2, kind: 'int32' } };

const criuOpts: Schema = {
  imagesDirFd: { n: 1, kind: 'int32' },
  pid: { n: 2, kind: 'int32' },
  leaveRunning: { n: 3, kind: 'bool' },
  extUnixSk: { n: 4, kind: 'bool' },
  tcpEstablished: { n: 5, kind: 'bool' },
  evasiveDevices: { n: 6, kind: 'bool' },
  shellJob: { n: 7, kind: 'bool' },
  fileLocks: { n: 8, kind: 'bool' },
  logLevel: { n: 9, kind: 'int32' },
  logFile: { n: 10, kind: 'string' },
  ps: { n: 11, kind: pageServerInfo },
  notifyScripts: { n: 12, kind: 'bool' },
  root: { n: 13, kind: 'string' },
  parentImg: { n: 14, kind: 'string' },
  trackMem: { n: 15, kind: 'bool' },
  autoDedup: { n: 16, kind: 'bool' },
  workDirFd: { n: 17, kind: 'int32' },
  extMnt: { n: 23, kind: extMountMap, repeated: true },
  manageCgroups: { n: 24, kind: 'bool' },
  cgRoot: { n: 25, kind: cgroupRoot, repeated: true },
  rstSibling: { n: 26, kind: 'bool' },
  inheritFd: { n: 27, kind: inheritFd, repeated: true },
  manageCgroupsMode: { n: 34, kind: 'uint32' },
  external: { n: 37, kind: 'string', repeated: true },
  emptyNs: { n: 38, kind: 'uint32' },
  joinNs: { n: 39, kind: joinNamespace, repeated: true },
  freezeCgroup: { n: 44, kind: 'string' },
  lazyPages: { n: 48, kind: 'bool' },
  orphanPtsMaster: { n: 50, kind: 'bool' },
  lsmProfile: { n: 53, kind: 'string' },
  lsmMountContext: { n: 63, kind: 'string' },
};

export const criuReq: Schema = {
  type: { n: 1, kind: 'uint32' },
  opts: { n: 2, kind: criuOpts },
  notifySuccess: { n: 3, kind: 'bool' },
};

export const criuResp: Schema = {
  type: { n: 1, kind: 'uint32' },
  success: { n: 2, kind: 'bool' },
  restore: { n: 4, kind: { pid: { n: 1, kind: 'int32' } } },
  notify: { n: 5, kind: { script: { n: 1, kind: 'string' }, pid: { n: 2, kind: 'int32' } } },
  crErrno: { n: 7, kind: 'int32' },
  crErrmsg: { n: 9, kind: 'string' },
};

/** criu_req_type */
export const REQ = { DUMP: 1, RESTORE: 2, PRE_DUMP: 4, NOTIFY: 6 } as const;

/** criu_cg_mode, by runc's --manage-cgroups-mode names */
export const CG_MODE: Record<string, number> = { ignore: 0, soft: 3, full: 4, strict: 5 };

/** ext_mount_map, inherit_fd, join_namespace and cgroup_root entries, as runts builds them */
export interface ExtMount { key: string; val: string }
export interface InheritFd { key: string; fd: number }
export interface JoinNs { ns: string; nsFile: string }
export interface CgroupRoot { ctrl?: string; path: string }

export interface CriuOpts {
  imagesDirFd: number; workDirFd?: number; logLevel?: number; logFile?: string; root?: string;
  pid?: number; leaveRunning?: boolean; ps?: { address?: string; port: number }; parentImg?: string;
  trackMem?: boolean; freezeCgroup?: string;
  extUnixSk?: boolean; tcpEstablished?: boolean; evasiveDevices?: boolean; shellJob?: boolean;
  fileLocks?: boolean; autoDedup?: boolean; lazyPages?: boolean; notifyScripts?: boolean;
  rstSibling?: boolean; orphanPtsMaster?: boolean; manageCgroups?: boolean; manageCgroupsMode?: number;
  emptyNs?: number; extMnt?: ExtMount[]; cgRoot?: CgroupRoot[];
  inheritFd?: InheritFd[]; external?: string[]; joinNs?: JoinNs[];
  lsmProfile?: string; lsmMountContext?: string;
}

export interface CriuResp {
  type?: number; success?: boolean; restore?: { pid?: number };
  notify?: { script?: string; pid?: number }; crErrno?: number; crErrmsg?: string;
}
