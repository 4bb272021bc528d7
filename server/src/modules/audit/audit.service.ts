import { type AuditList, type AuditQuery, type AuditRow, auditGroupOf, maskIdNumber, maskPhone } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { type Actor, assertVisible, isCountyLevel, requirePermission, scopeOf } from '../../platform/policy.ts'
import * as repo from './audit.repository.ts'

/** Callers at county level or above also see rows without a region (county-wide settings, logins, user admin at the top). */

// Clear identifiers that audit details may carry (a person list's `idNumber` filter in an export's details, a
// user's phone in user.create): masked the way the archive masks them, wherever they sit in the JSON.
const ID_NUMBER = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g
const MOBILE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g
const SECRET_KEY = /pass(word)?|secret|token|api_?key|^key$/i
const ID_KEY = /id_?number|id_?card|身份证/i
const PHONE_KEY = /phone|mobile|tel$|电话|手机/i

function maskString(key: string | null, v: string): string {
  if (key && SECRET_KEY.test(key) && !/^prefix$|reset/i.test(key)) return '***'
  if (key && ID_KEY.test(key)) return maskIdNumber(v)
  if (key && PHONE_KEY.test(key)) return maskPhone(v)
  return v.replace(ID_NUMBER, (m) => maskIdNumber(m)).replace(MOBILE, (m) => maskPhone(m))
}

/** A copy of audit details fit to show: no clear ID number, phone or secret at any depth. */
export function maskDetails(value: unknown, key: string | null = null, depth = 0): unknown {
  if (depth > 10) return null
  if (typeof value === 'string') return maskString(key, value)
  if (typeof value === 'number' && key && (ID_KEY.test(key) || PHONE_KEY.test(key))) return maskString(key, String(value))
  if (Array.isArray(value)) return value.map((v) => maskDetails(v, key, depth + 1))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDetails(v, k, depth + 1)]))
  return value
}

export class AuditService {
  constructor(private db: Kysely<DB>) {}

  /**
   * The audit log of the caller's area, newest first. A town admin sees rows whose region lies in their town;
   * rows without a region (county-wide settings, logins) only county-level callers see. Asking for a person
   * outside the area answers 404, as reading them would.
   */
  async list(actor: Actor, query: AuditQuery): Promise<AuditList> {
    requirePermission(actor, 'audit.read')
    const scope = scopeOf(actor)
    if (query.person) {
      const p = await repo.personPath(this.db, query.person)
      assertVisible(scope, p && { path: p.region_path }, '人员')
    }
    const { items, total } = await repo.listAudit(this.db, {
      scopePath: scope.regionPath,
      withoutRegion: isCountyLevel(actor),
      actorId: query.actor,
      actorQ: query.actorQ,
      personId: query.person,
      entityType: query.entityType,
      entityId: query.entityId,
      action: query.action,
      group: query.group,
      from: query.from,
      to: query.to,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    const names = await repo.entityNames(
      this.db,
      items.map((r) => ({ type: r.entity_type, id: r.entity_id })),
    )
    return {
      items: items.map((r): AuditRow => ({
        id: r.key,
        at: new Date(r.at).toISOString(),
        actor: r.actor_id && r.actor_name ? { id: r.actor_id, name: r.actor_name, phone: maskPhone(r.actor_phone ?? '') } : null,
        action: r.action,
        group: auditGroupOf(r.action),
        entityType: r.entity_type,
        entityId: r.entity_id,
        entityName: (r.entity_id && names.get(`${r.entity_type}:${r.entity_id}`)) ?? null,
        regionCode: r.region_code,
        regionName: r.region_name,
        ip: r.ip,
        details: maskDetails(r.details),
      })),
      total,
    }
  }
}
