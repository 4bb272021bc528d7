import { CASE_LEVELS, type CreateOpen311Key, type Open311Key, type Open311KeyCreated } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { type ApiClientRow, findApiClient, issueApiKey, listApiClients, revokeApiKey } from '../../platform/api-keys.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import * as repo from './open311.repository.ts'

/** The console's side of Open311: API keys per client, issued and revoked by whoever manages intake. */
export class Open311KeysService {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
  ) {}

  async create(actor: Actor, body: CreateOpen311Key, ip?: string): Promise<Open311KeyCreated> {
    requirePermission(actor, 'intake.manage')
    const region = body.regionCode ? await this.regions.resolveForWrite(actor, body.regionCode) : await repo.regionById(this.db, actor.regionId)
    if (!region) throw badRequest('UNKNOWN_REGION', '区域不存在')
    // Reports through the key become cases of this region's subtree: it must be a level cases live at.
    if (!(CASE_LEVELS as readonly string[]).includes(region.level))
      throw badRequest('INVALID_REGION_LEVEL', '请选择县(市)及以下的区域作为密钥的受理范围', { regionCode: region.code, level: region.level })
    const { client, apiKey } = await this.db.transaction().execute(async (trx) => {
      const issued = await issueApiKey(trx, { kind: 'open311', name: body.name.trim(), regionId: region.id, createdBy: actor.userId })
      await audit(trx, {
        actor,
        action: 'intake.open311_key.create',
        entityType: 'api_client',
        entityId: issued.client.id,
        regionId: region.id,
        ip,
        details: { kind: 'open311', name: body.name, prefix: issued.client.key_prefix },
      })
      return issued
    })
    return { ...toKey(client), apiKey }
  }

  async list(actor: Actor): Promise<Open311Key[]> {
    requirePermission(actor, 'intake.manage')
    return (await listApiClients(this.db, 'open311', actor.regionPath)).map(toKey)
  }

  /** Revoking is immediate and final; revoking a revoked key answers it unchanged. */
  async revoke(actor: Actor, id: string, ip?: string): Promise<Open311Key> {
    requirePermission(actor, 'intake.manage')
    const client = await findApiClient(this.db, 'open311', id)
    if (!client || !client.region_path || !pathInScope(scopeOf(actor), client.region_path)) throw notFound('API 密钥')
    await this.db.transaction().execute(async (trx) => {
      if (await revokeApiKey(trx, id)) {
        await audit(trx, {
          actor,
          action: 'intake.open311_key.revoke',
          entityType: 'api_client',
          entityId: id,
          regionId: client.region_id,
          ip,
          details: { kind: 'open311', prefix: client.key_prefix },
        })
      }
    })
    return toKey((await findApiClient(this.db, 'open311', id))!)
  }
}

function toKey(c: ApiClientRow): Open311Key {
  return {
    id: c.id,
    name: c.name,
    prefix: c.key_prefix,
    regionCode: c.region_code,
    regionName: c.region_name,
    createdAt: c.created_at.toISOString(),
    lastUsedAt: c.last_used_at?.toISOString() ?? null,
    revokedAt: c.revoked_at?.toISOString() ?? null,
  }
}
