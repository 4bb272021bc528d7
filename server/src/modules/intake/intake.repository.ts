import type { Executor } from '../../db/types.ts'

// 民情码: what a QR code points at (a region, or a place with its own code) and what the report page shows.

export async function findRegionByCode(db: Executor, code: string) {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path']).where('code', '=', code).executeTakeFirst()
}

/** Names of the regions on a materialized path, root first. */
export async function regionsOnPath(db: Executor, path: string) {
  const codes = path.split('/').filter(Boolean)
  if (codes.length === 0) return []
  return db.selectFrom('regions').select(['code', 'name', 'level']).where('code', 'in', codes).orderBy('depth').execute()
}

const placeBase = (db: Executor) =>
  db
    .selectFrom('places as pl')
    .innerJoin('regions as r', 'r.id', 'pl.region_id')
    .select(['pl.id', 'pl.name', 'pl.kind', 'pl.address', 'pl.qr_code', 'r.id as region_id', 'r.code as region_code', 'r.name as region_name', 'r.level as region_level', 'r.path as region_path'])

export async function findPlaceByQr(db: Executor, qrCode: string) {
  return placeBase(db).where('pl.qr_code', '=', qrCode).executeTakeFirst()
}

export async function findPlaceById(db: Executor, id: string) {
  return placeBase(db).where('pl.id', '=', id).executeTakeFirst()
}

/** Gives the place its code unless it has one already (two first requests at once: one code wins, both read it). */
export async function setPlaceQrIfMissing(db: Executor, id: string, qrCode: string) {
  await db.updateTable('places').set({ qr_code: qrCode }).where('id', '=', id).where('qr_code', 'is', null).execute()
  const row = await db.selectFrom('places').select('qr_code').where('id', '=', id).executeTakeFirst()
  return row?.qr_code ?? null
}

export async function activeCategories(db: Executor) {
  return db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.code', 'c.name', 'c.keywords', 'p.code as parent_code'])
    .where('c.active', '=', true)
    .where((eb) => eb.or([eb('c.parent_id', 'is', null), eb('p.active', '=', true)]))
    .orderBy('c.sort')
    .orderBy('c.id')
    .execute()
}
