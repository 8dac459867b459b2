/** The driver for each load model (DESIGN.md §3). */
import type { Model } from '../config/scenario.ts';
import { createClosedDriver } from './closed-driver.ts';
import type { Driver } from './driver.ts';
import { createOpenDriver } from './pacer.ts';

/** A new driver for `model`: autocannon for the closed loop, the undici pacer for the open loop. */
export function createDriver(model: Model): Driver {
  switch (model) {
    case 'closed':
      return createClosedDriver();
    case 'open':
      return createOpenDriver();
  }
}
