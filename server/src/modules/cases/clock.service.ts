import { AUTO_CLOSE_DAYS, DEFAULT_LIMITS, MAX_EXTENSION_DAYS, RETURN_WINDOW_DAYS, WARN_SHARE } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { addWorkingDays } from '../../platform/workdays.ts'
import type { CaseActions } from './actions.service.ts'
import * as repo from './cases.repository.ts'

export interface CaseTimingConfig {
  /** Warning at this share of the time limit (the cases issue says 70 %). */
  warnShare: number
  /** Replied cases nobody rated close by themselves after this many days. */
  autoCloseDays: number
  /** A handler may return a case within this many working days of receiving it. */
  returnWindowDays: number
  maxExtensionDays: number
  defaultLimits: { normalDays: number; urgentDays: number; emergencyHours: number }
}

/** The lifecycle table's constants (common/case-lifecycle.ts); a deployment may override them. */
export const DEFAULT_TIMING: CaseTimingConfig = {
  warnShare: WARN_SHARE,
  autoCloseDays: AUTO_CLOSE_DAYS,
  returnWindowDays: RETURN_WINDOW_DAYS,
  maxExtensionDays: MAX_EXTENSION_DAYS,
  defaultLimits: { ...DEFAULT_LIMITS },
}

/** Time limits: due and warning times in working days on the Chinese calendar (emergencies in hours). */
export class CaseClock {
  constructor(
    private db: Kysely<DB>,
    readonly timing: CaseTimingConfig = DEFAULT_TIMING,
  ) {}

  private async limits(categoryId: number | null, db: Kysely<DB> | Transaction<DB>) {
    const cat = categoryId ? await repo.findCategory(db, categoryId) : undefined
    return cat ? { normalDays: cat.normal_days, urgentDays: cat.urgent_days, emergencyHours: cat.emergency_hours } : this.timing.defaultLimits
  }

  /**
   * Due and warning times for a fresh clock starting now. Inside a transaction pass it: on PGlite a query outside
   * the open transaction would wait for it forever.
   */
  async clock(c: { category_id: number | null; urgency: string }, now: Date, db: Kysely<DB> | Transaction<DB> = this.db) {
    const l = await this.limits(c.category_id, db)
    const due = c.urgency === 'emergency' ? new Date(now.getTime() + l.emergencyHours * 3600_000) : addWorkingDays(now, c.urgency === 'urgent' ? l.urgentDays : l.normalDays)
    return { due, warn: this.warnAt(now, due) }
  }

  /** The warning time of a clock from `now` to `due`. */
  warnAt(now: Date, due: Date) {
    return new Date(now.getTime() + (due.getTime() - now.getTime()) * this.timing.warnShare)
  }
}

/**
 * The clock's jobs: deadline marks and auto-close. Each goes through the lifecycle's `transition()` as the
 * system actor, so the table decides where a mark may be made and every mark writes its timeline row.
 */
export class ClockJobs {
  constructor(
    private db: Kysely<DB>,
    private actions: CaseActions,
    private timing: CaseTimingConfig = DEFAULT_TIMING,
  ) {}

  /**
   * Mark warnings (at 70 % of the limit), overdue cases and unaccepted dispatches at `now`; notify handlers
   * and their dispatchers. Idempotent: each mark is made once.
   */
  async checkDeadlines(now = new Date()) {
    const due = await repo.casesPastTimes(this.db, now)
    let warned = 0
    let overdue = 0
    for (const d of due) {
      // Overdue first: it sets the warning mark too, so the warning step then finds nothing to do.
      const [o, w] = await this.actions.system(d.id, now, [
        { action: 'overdue', input: {} },
        { action: 'warn', input: {} },
        { action: 'accept_overdue', input: {} },
      ])
      if (o) overdue++
      else if (w) warned++
    }
    return { warned, overdue }
  }

  /** Replied cases nobody rated within the configured days close as unrated. */
  async autoClose(now = new Date()) {
    const stale = await repo.unratedReplied(this.db, new Date(now.getTime() - this.timing.autoCloseDays * 86_400_000))
    let closed = 0
    for (const s of stale) {
      const [done] = await this.actions.system(s.id, now, [{ action: 'auto_close', input: { afterDays: this.timing.autoCloseDays } }])
      if (done) closed++
    }
    return closed
  }
}
