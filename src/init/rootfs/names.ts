// hostname and domainname, only ever in the container's own UTS namespace.
import { setdomainname, sethostname } from '../../linux/uts.js';
import type { RootfsPlan } from './plan.js';
import { RuntsError } from '../../errors.js';

export function setNames(plan: RootfsPlan): void {
  const { hostname, domainname } = plan.spec;
  if (!hostname && !domainname) return;
  const ownUts = plan.newUtsNs || !!plan.spec.linux?.namespaces?.some((n) => n.type === 'uts');
  if (!ownUts) throw new RuntsError('runtime', 'unable to set hostname or domainname without a private UTS namespace');
  if (hostname) sethostname(hostname);
  if (domainname) setdomainname(domainname);
}
