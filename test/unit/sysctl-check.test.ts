import t from 'tap';
import { checkSysctls } from '../../src/spec/check/sysctl.js';
import type { Spec } from '../../src/spec/types.js';

const spec = (sysctl: Record<string, string>, namespaces: Spec['linux'] extends infer L ? L extends { namespaces?: infer N } ? N : never : never): Spec =>
  ({ ociVersion: '1.0.2', linux: { sysctl, namespaces } });

t.test('namespaced keys with their namespace are accepted', async (t) => {
  t.doesNotThrow(() => checkSysctls(spec({ 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1', 'fs.mqueue.msg_max': '20' },
    [{ type: 'network' }, { type: 'ipc' }])));
});

t.test('a key of a namespace the container lacks is refused', async (t) => {
  t.throws(() => checkSysctls(spec({ 'net.ipv4.ip_forward': '1' }, [{ type: 'ipc' }])), /requires a new network namespace/);
  t.throws(() => checkSysctls(spec({ 'kernel.msgmax': '1' }, [])), /requires a new ipc namespace/);
});

t.test('keys that are not namespaced are refused', async (t) => {
  t.throws(() => checkSysctls(spec({ 'vm.swappiness': '1' }, [{ type: 'ipc' }])), /^sysctl "vm.swappiness" is not in a separate kernel namespace$/);
  t.throws(() => checkSysctls(spec({ 'kernel.pid_max': '1' }, [{ type: 'ipc' }])), /not in a separate kernel namespace/);
});

t.test('net.* in the host network namespace joined by path is refused', async (t) => {
  t.throws(() => checkSysctls(spec({ 'net.ipv4.ip_forward': '1' }, [{ type: 'network', path: '/proc/self/ns/net' }])),
    /host's network namespace/);
});
