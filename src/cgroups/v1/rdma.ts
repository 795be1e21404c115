// rdma (v1 and v2 use the same files): rdma.max lines "<device> hca_handle=N hca_object=M".
import type { Resources } from '../../spec/types.js';
import { writeValue } from '../fs.js';
import { wantsRdma } from '../wants.js';
import type { V1Controller } from './controller.js';

export function setRdma(dir: string, r: Resources): void {
  for (const [dev, l] of Object.entries(r.rdma ?? {})) {
    const parts = [dev];
    if (l.hcaHandles !== undefined && l.hcaHandles !== null) parts.push(`hca_handle=${l.hcaHandles}`);
    if (l.hcaObjects !== undefined && l.hcaObjects !== null) parts.push(`hca_object=${l.hcaObjects}`);
    if (parts.length > 1) writeValue(dir, 'rdma.max', parts.join(' '));
  }
}

export const rdma: V1Controller = { name: 'rdma', wants: wantsRdma, set: setRdma };
