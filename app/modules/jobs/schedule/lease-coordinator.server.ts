// node-cron 4's RunCoordinator on the Lease table: for a `distributed` task, node-cron asks
// shouldRun("<task name>:<slot ISO time>", ttlMs) before every fire, and only the instance that
// gets a true runs that slot.
//
// The lease is per slot and is not released on completion: an instance whose clock runs a few
// seconds late must still find the slot taken. Expired slot leases are pruned instead.
import type { RunCoordinator } from "node-cron";
import type { Db } from "~/db.server";
import { acquireLease, pruneExpiredLeases } from "./db-lease.server";

export const CRON_LEASE_PREFIX = "cron:";

export interface LeaseRunCoordinatorOptions {
  /** this instance, e.g. `${hostname}:${pid}` */
  holder: string;
  now?: () => Date;
}

export function createLeaseRunCoordinator(db: Db, options: LeaseRunCoordinatorOptions): RunCoordinator {
  const now = options.now ?? (() => new Date());
  return {
    shouldRun(key: string, ttlMs: number): Promise<boolean> {
      return acquireLease(db, CRON_LEASE_PREFIX + key, options.holder, ttlMs, now());
    },
    async onComplete(): Promise<void> {
      await pruneExpiredLeases(db, CRON_LEASE_PREFIX, now());
    },
  };
}
