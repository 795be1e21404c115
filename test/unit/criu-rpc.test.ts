// criu's RPC messages: the protobuf encoder and decoder (src/criu/protobuf.ts) on bytes worked
// out by hand from the wire format, the tables of src/criu/rpc-schema.ts, and the shared flags as
// criu_opts (src/criu/options.ts).
import t from 'tap';
import { decode, encode, type Schema } from '../../src/criu/protobuf.js';
import { criuReq, criuResp, REQ } from '../../src/criu/rpc-schema.js';
import { criuFlagOpts } from '../../src/criu/options.js';
import { cgroupRoots } from '../../src/criu/cgroups.js';
import { dumpOpts } from '../../src/container/checkpoint-opts.js';

const hex = (b: Buffer) => b.toString('hex');

t.test('varints, strings, nested and repeated fields', async (t) => {
  const inner: Schema = { key: { n: 1, kind: 'string' }, fd: { n: 2, kind: 'int32' } };
  const s: Schema = { a: { n: 1, kind: 'uint32' }, b: { n: 2, kind: 'bool' }, c: { n: 3, kind: 'string' },
    d: { n: 16, kind: inner, repeated: true }, e: { n: 5, kind: 'int32' } };
  // 300 = ac 02; field 16 needs a two-byte tag (16<<3|2 = 130 = 82 01)
  const bytes = encode(s, { a: 300, b: true, c: 'hi', d: [{ key: 'k', fd: 4 }, { key: 'l', fd: 5 }], e: -1 });
  t.equal(hex(bytes), '08ac02' + '1001' + '1a026869' + '820105' + '0a016b1004' + '820105' + '0a016c1005' + '28ffffffffffffffffff01');
  t.same(decode(s, bytes), { a: 300, b: true, c: 'hi', d: [{ key: 'k', fd: 4 }, { key: 'l', fd: 5 }], e: -1 });
  t.same(encode(s, { a: undefined }), Buffer.alloc(0), 'undefined fields are left out');
});

t.test('decoding skips unknown fields of every wire type', async (t) => {
  const s: Schema = { a: { n: 1, kind: 'uint32' } };
  // field 2 varint, field 3 fixed64, field 4 bytes, field 5 fixed32, then a=7
  const bytes = Buffer.from('1001' + '19' + '0102030405060708' + '2202abcd' + '2d01020304' + '0807', 'hex');
  t.same(decode(s, bytes), { a: 7 });
  t.throws(() => decode(s, Buffer.from('08', 'hex')), /ends inside a varint/);
  t.throws(() => decode(s, Buffer.from('2205ab', 'hex')), /past the end/);
});

t.test('criu_req and criu_resp', async (t) => {
  // type=RESTORE, opts{images_dir_fd=5, rst_sibling=true}
  t.equal(hex(encode(criuReq, { type: REQ.RESTORE, opts: { imagesDirFd: 5, rstSibling: true } })), '0802' + '1205' + '0805' + 'd001' + '01');
  // a notify: type=NOTIFY success=true notify{script="setup-namespaces", pid=42}
  const notify = Buffer.concat([Buffer.from('08061001' + '2a14' + '0a10', 'hex'), Buffer.from('setup-namespaces'), Buffer.from('102a', 'hex')]);
  t.same(decode(criuResp, notify), { type: REQ.NOTIFY, success: true, notify: { script: 'setup-namespaces', pid: 42 } });
  // a failure: type=RESTORE success=false cr_errno=2 cr_errmsg="boom"
  t.same(decode(criuResp, Buffer.from('0802100038024a04626f6f6d', 'hex')), { type: REQ.RESTORE, success: false, crErrno: 2, crErrmsg: 'boom' });
});

t.test('the shared flags as criu_opts', async (t) => {
  const f = { tcpEstablished: true, extUnixSk: false, shellJob: false, fileLocks: true, autoDedup: false, lazyPages: false, emptyNs: ['network'] };
  t.match(criuFlagOpts({ ...f, manageCgroupsMode: 'strict' }), { manageCgroups: true, manageCgroupsMode: 5, emptyNs: 0x40000000, tcpEstablished: true, fileLocks: true });
  t.equal(criuFlagOpts({ ...f, emptyNs: [] }).manageCgroupsMode, undefined, 'no mode: criu\'s default');
  t.equal(criuFlagOpts({ ...f, emptyNs: [] }).emptyNs, 0x40000000, 'the network namespace always empty (runc\'s empty_ns), --empty-ns or not');
  t.throws(() => criuFlagOpts({ ...f, manageCgroupsMode: 'toString' }), /invalid manage cgroups mode "toString"/);
  t.throws(() => criuFlagOpts({ ...f, emptyNs: ['pid'] }), /namespace "pid" is not supported by --empty-ns/);
});

t.test('cgroup roots', async (t) => {
  t.same(cgroupRoots({ '': '/sys/fs/cgroup/a/b' }), [{ path: '/a/b' }], 'cgroup2');
  t.same(cgroupRoots({ '': '/sys/fs/cgroup/unified/a', memory: '/sys/fs/cgroup/memory/a', 'name=systemd': '/sys/fs/cgroup/systemd/a' }),
    [{ path: '/a' }, { ctrl: 'memory', path: '/a' }], 'hybrid: named hierarchies left out');
});

t.test('a checkpoint\'s criu_opts (dumpOpts)', async (t) => {
  const f = { tcpEstablished: false, extUnixSk: true, shellJob: false, fileLocks: false, autoDedup: false, lazyPages: false, emptyNs: [],
    leaveRunning: false, preDump: false };
  const spec = { ociVersion: '1.0.2', mounts: [{ destination: '/data', type: 'bind', source: '/srv', options: ['rbind'] }] };
  const c = { pid: process.pid, rootfs: '/b/rootfs', spec, cgroupPaths: { '': '/sys/fs/cgroup/x' } };
  const o = dumpOpts(f, c);
  t.match(o, { pid: process.pid, root: '/b/rootfs', logFile: 'dump.log', logLevel: 4, notifyScripts: true, orphanPtsMaster: true,
    manageCgroups: true, emptyNs: 0x40000000, extUnixSk: true, freezeCgroup: '/sys/fs/cgroup/x', extMnt: [{ key: '/data', val: '/data' }], external: [] });
  t.equal(o.leaveRunning, undefined, 'a dump ends the container');
  t.equal(o.trackMem, undefined);
  t.equal(o.ps, undefined);
  t.match(dumpOpts({ ...f, leaveRunning: true }, c), { leaveRunning: true }, '--leave-running');
  t.match(dumpOpts({ ...f, preDump: true, leaveRunning: true }, c), { trackMem: true, leaveRunning: undefined }, 'a pre-dump tracks memory, leaves it running anyway');
  t.match(dumpOpts({ ...f, parentPath: '../pre' }, c), { parentImg: '../pre', trackMem: true }, '--parent-path');
  t.match(dumpOpts({ ...f, pageServer: '[::1]:27' }, c), { ps: { address: '::1', port: 27 } }, '--page-server');
  t.throws(() => dumpOpts({ ...f, pageServer: '27' }, c), /--page-server "27": want ADDRESS:PORT/);
  // type=DUMP opts{images_dir_fd=5, pid=7, leave_running, ps{address="a", port=1}, parent_img="p", track_mem, freeze_cgroup="f"}
  t.equal(hex(encode(criuReq, { type: REQ.DUMP, opts: { imagesDirFd: 5, pid: 7, leaveRunning: true, ps: { address: 'a', port: 1 }, parentImg: 'p', trackMem: true, freezeCgroup: 'f' } })),
    '0801' + '1216' + '0805' + '1007' + '1801' + '5a05' + '0a0161' + '1001' + '7201' + '70' + '7801' + 'e20201' + '66');
});
