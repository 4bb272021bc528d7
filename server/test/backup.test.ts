import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { closeContext, createContext } from '../src/bootstrap.ts'
import { loadConfig, ROOT_DIR } from '../src/config.ts'
import { type Database, openDatabase, PGLITE_PARSERS, pgliteDirFor } from '../src/db/index.ts'
import { MemoryBus } from '../src/platform/events.ts'
import { dropDatabase, testDbKind } from './db.ts'
import { makeRegion, makeUser, TEST_PASSWORD } from './factories.ts'
import { multipart, TINY_PNG } from './multipart.ts'
import { adminUrl, dbUrl } from './pg-urls.ts'

// `npm run backup` and `npm run restore` end to end, on the run's database kind: a seeded installation (regions,
// users, persons with encrypted ID numbers, cases with events, uploads) is backed up by the real CLI, restored
// by the real CLI into an empty database and data folder, and compared table by table, file by file; the
// restored installation then logs in and decrypts a person's ID number with the key that came in the archive.

const dirs: string[] = []
const databases: string[] = []
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p))
  dirs.push(d)
  return d
}
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  for (const name of databases) await dropDatabase(process.env.TEST_DATABASE_URL!, name)
})

/** A database for one installation: PGlite in the data folder, or a PostgreSQL database (migrated or empty). */
async function newPostgres(migrated: boolean): Promise<string> {
  const base = process.env.TEST_DATABASE_URL!
  const name = `minqing_t_${inject('pgTemplate').slice(12)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl(base) })
  await admin.connect()
  await admin.query(migrated ? `create database ${name} template ${inject('pgTemplate')}` : `create database ${name}`)
  await admin.end()
  databases.push(name)
  return dbUrl(base, name)
}

async function openInstall(dataDir: string, url: string | undefined): Promise<Database> {
  if (url) return openDatabase({ url, poolSize: 4 })
  const dir = pgliteDirFor(dataDir)
  if (!existsSync(dir)) {
    // A migrated data folder from the run's snapshot (a fresh migrate costs seconds).
    const pglite = new PGlite(dir, { loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]), parsers: PGLITE_PARSERS })
    return openDatabase({ pglite })
  }
  return openDatabase({ pgliteDir: dir })
}

function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', REDIS_URL: '', DATABASE_URL: '', ...env }
    delete childEnv.MINQING_SECRET
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], { cwd: ROOT_DIR, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => resolve({ code: code ?? -1, out }))
  })
}

/** Every table's rows as sorted JSON text (the migrations' bookkeeping aside: it records when it ran). */
async function tableContents(db: Database['db']) {
  const { rows: tables } = await sql<{ t: string }>`
    select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not like 'kysely_migration%' order by 1`.execute(db)
  const out: Record<string, string[]> = {}
  await db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx)
    for (const { t } of tables) {
      const { rows } = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.id(t)} x`.execute(trx)
      out[t] = rows.map((r) => r.j).sort()
    }
  })
  return out
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    if (!existsSync(d)) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name)
      if (e.isDirectory()) walk(f)
      else out[relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex')
    }
  }
  walk(dir)
  return out
}

async function appOn(dataDir: string, url: string | undefined, database: Database) {
  // No MINQING_SECRET: the key is the installation's own DATA_DIR/secret.key (generated, or restored).
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...(url ? { DATABASE_URL: url } : {}) })
  const ctx = await createContext(config, { database, bus: new MemoryBus(), migrate: false })
  const app = await buildApp(ctx, { logger: false })
  await app.ready()
  return { app, ctx, close: async () => (await app.close(), await closeContext(ctx)) }
}

/** GB 11643 check digit. */
function withCheckDigit(id17: string) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...id17].reduce((n, d, i) => n + Number(d) * w[i], 0)
  return id17 + '10X98765432'[sum % 11]
}

describe('npm run backup / npm run restore', () => {
  const pgMode = testDbKind() === 'postgres'

  it('restores an installation into an empty one: same rows in every table, same files, the key decrypts', async () => {
    const srcDir = tmp('minqing-bk-src-')
    const dstDir = tmp('minqing-bk-dst-')
    const outDir = tmp('minqing-bk-out-')
    const srcUrl = pgMode ? await newPostgres(true) : undefined
    const dstUrl = pgMode ? await newPostgres(false) : undefined

    // --- seed the source through the API --------------------------------------------------------------
    const src = await appOn(srcDir, srcUrl, await openInstall(srcDir, srcUrl))
    const idNumbers = ['33068319500101123', '33068319880215002', '33068320051231001'].map(withCheckDigit)
    const personIds: string[] = []
    let admin: Awaited<ReturnType<typeof makeUser>>
    try {
      const db = src.ctx.db
      await makeRegion(db, '330683105212', { '330683': '嵊州市', '330683105': '石璜镇', '330683105212': '雅璜村' })
      await makeRegion(db, '330683106220')
      admin = await makeUser(db, { roles: ['admin'], regionCode: '330683' })
      const cadre = await makeUser(db, { roles: ['stationed_cadre'], regionCode: '330683105212' })
      const api = async (method: 'POST' | 'GET', url: string, who: { auth: Record<string, string> }, payload?: unknown) => {
        const res = await src.app.inject({ method, url, headers: who.auth, payload: payload as object })
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
        return res.json()
      }
      for (const [i, idNumber] of idNumbers.entries()) {
        const p = await api('POST', '/api/persons', admin, { regionCode: i ? '330683106220' : '330683105212', name: `居民${i}`, idNumber, phone: `1390000${1000 + i}` })
        personIds.push(p.id)
      }
      for (let i = 0; i < 4; i++) {
        const c = await api('POST', '/api/cases', cadre, { regionCode: '330683105212', title: `路灯坏了${i}`, description: '村口路灯不亮', clientId: `backup-case-${i}` })
        if (i < 2) {
          const body = multipart({}, { filename: `photo${i}.png`, contentType: 'image/png', data: Buffer.concat([TINY_PNG, Buffer.from([i])]) })
          const res = await src.app.inject({ method: 'POST', url: `/api/cases/${c.id}/files`, headers: { ...cadre.auth, ...body.headers }, payload: body.payload })
          expect(res.statusCode, res.body).toBeLessThan(300)
        }
      }
      await api('POST', '/api/diary', cadre, { clientId: 'backup-diary-1', kind: 'village', text: '走访雅璜村,群众反映路灯问题' })
    } finally {
      await src.close()
    }
    const before = await openInstall(srcDir, srcUrl)
    const sourceRows = await tableContents(before.db)
    await before.close()
    expect(sourceRows.persons).toHaveLength(3)
    expect(sourceRows.case_events.length).toBeGreaterThanOrEqual(4)
    expect(Object.keys(filesOf(join(srcDir, 'uploads')))).toHaveLength(2)

    // --- back up and restore with the real commands ----------------------------------------------------
    const archive = join(outDir, 'backup.tar.gz')
    const b = await cli(['backup', '--out', archive], { DATA_DIR: srcDir, ...(srcUrl ? { DATABASE_URL: srcUrl } : {}) })
    expect(b.code, b.out).toBe(0)
    expect(b.out).toContain('CONTAINS THE SECRET KEY')
    const r = await cli(['restore', archive], { DATA_DIR: dstDir, ...(dstUrl ? { DATABASE_URL: dstUrl } : {}) })
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/counts and content hashes verified/)
    console.log(`backup: ${statSync(archive).size} bytes; ${b.out.split('\n').slice(0, 3).join(' | ')}\nrestore: ${r.out.trim().split('\n').join(' | ')}`)

    // A second restore into the now non-empty installation is refused, and changes nothing.
    const again = await cli(['restore', archive], { DATA_DIR: dstDir, ...(dstUrl ? { DATABASE_URL: dstUrl } : {}) })
    expect(again.code).toBe(1)
    expect(again.out).toMatch(/not empty/)

    // --- compare: every table, every file, the key --------------------------------------------------------
    const after = await openInstall(dstDir, dstUrl)
    const restoredRows = await tableContents(after.db)
    expect(Object.keys(restoredRows)).toEqual(Object.keys(sourceRows))
    for (const t of Object.keys(sourceRows)) expect(restoredRows[t], `table ${t}`).toEqual(sourceRows[t])
    expect(filesOf(join(dstDir, 'uploads'))).toEqual(filesOf(join(srcDir, 'uploads')))
    expect(readFileSync(join(dstDir, 'secret.key'), 'utf8')).toBe(readFileSync(join(srcDir, 'secret.key'), 'utf8'))

    // The restored installation works: log in with the password, reveal a person's ID number, read a photo,
    // and new rows get fresh ids (sequences came along).
    const dst = await appOn(dstDir, dstUrl, after)
    try {
      const login = await dst.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: admin!.phone, password: TEST_PASSWORD } })
      expect(login.statusCode, login.body).toBe(200)
      const auth = { authorization: `Bearer ${login.json().token}` }
      for (const [i, id] of personIds.entries()) {
        const rev = await dst.app.inject({ method: 'POST', url: `/api/persons/${id}/reveal`, headers: auth, payload: { field: 'idNumber' } })
        expect(rev.statusCode, rev.body).toBe(200)
        expect(rev.json().value).toBe(idNumbers[i])
      }
      const list = await dst.app.inject({ method: 'GET', url: '/api/cases?limit=50', headers: auth })
      const withFile = (list.json().items as { id: string }[]).map((c) => c.id)
      let photos = 0
      for (const id of withFile) {
        const detail = (await dst.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: auth })).json()
        for (const f of detail.files ?? []) {
          const img = await dst.app.inject({ method: 'GET', url: f.url, headers: auth })
          expect(img.statusCode).toBe(200)
          expect(img.rawPayload.subarray(0, TINY_PNG.length)).toEqual(TINY_PNG)
          photos++
        }
      }
      expect(photos).toBe(2)
      const maxEvent = Math.max(...sourceRows.case_events.map((j) => Number(JSON.parse(j).id)))
      const res = await dst.app.inject({ method: 'POST', url: '/api/cases', headers: auth, payload: { regionCode: '330683105212', title: '恢复后新事项', description: '恢复后新事项' } })
      expect(res.statusCode, res.body).toBe(201)
      const { rows } = await sql<{ id: string }>`select max(id)::text as id from case_events`.execute(dst.ctx.db)
      expect(Number(rows[0].id)).toBeGreaterThan(maxEvent)
    } finally {
      await dst.close()
    }
  }, 300_000)

  it('refuses an archive whose manifest or content was tampered with, and restores nothing', async () => {
    const { backup, restore } = await import('../src/backup/backup.ts')
    const { extractTarGz, writeTarGz } = await import('../src/backup/tar.ts')
    const srcDir = tmp('minqing-bk-src-')
    const srcUrl = pgMode ? await newPostgres(true) : undefined
    const database = await openInstall(srcDir, srcUrl)
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: srcDir, ...(srcUrl ? { DATABASE_URL: srcUrl } : {}) })
    await makeRegion(database.db, '330683105212')
    const archive = join(tmp('minqing-bk-out-'), 'b.tar.gz')
    const { manifest } = await backup(config, archive, { database })
    await database.close()
    expect(manifest.tables.find((t) => t.name === 'regions')!.rows).toBe(4)

    // Change one region's name inside the archive: the hash check after loading rolls the restore back.
    const unpacked = tmp('minqing-bk-x-')
    const names = await extractTarGz(archive, unpacked)
    const regionsFile = join(unpacked, 'tables/regions.jsonl')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(regionsFile, readFileSync(regionsFile, 'utf8').replace('区域330683105212', '被改过'))
    const tampered = join(tmp('minqing-bk-out-'), 't.tar.gz')
    await writeTarGz(
      tampered,
      names.map((n) => ({ name: n, file: join(unpacked, n) })),
    )
    const dstDir = tmp('minqing-bk-dst-')
    const dstUrl = pgMode ? await newPostgres(false) : undefined
    await expect(restore(tampered, { dataDir: dstDir, databaseUrl: dstUrl })).rejects.toThrow(/regions does not match the archive/)
    const check = await openInstall(dstDir, dstUrl)
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from regions`.execute(check.db)
      expect(rows[0].n).toBe(0)
    } finally {
      await check.close()
    }

    // Under another MINQING_SECRET the restored ID numbers would be unreadable: refused before anything happens.
    await expect(restore(archive, { dataDir: tmp('minqing-bk-dst-'), databaseUrl: dstUrl, secret: 'another-key-0123456789abcdef0123456789' })).rejects.toThrow(/another key/)
    // A PGlite folder open in a server (its postmaster.pid is there) is not read behind the server's back.
    const busy = tmp('minqing-bk-busy-')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(pgliteDirFor(busy), { recursive: true })
    writeFileSync(join(pgliteDirFor(busy), 'postmaster.pid'), '42\n')
    await expect(backup(loadConfig({ NODE_ENV: 'test', DATA_DIR: busy }), join(busy, 'x.tar.gz'))).rejects.toThrow(/stop the server first/)

    // An archive from a newer version (a migration this code does not know) is refused before anything happens.
    writeFileSync(join(unpacked, 'manifest.json'), JSON.stringify({ ...manifest, migration: { level: '29991231000000_future', count: 99 } }))
    const future = join(tmp('minqing-bk-out-'), 'f.tar.gz')
    await writeTarGz(
      future,
      names.map((n) => ({ name: n, file: join(unpacked, n) })),
    )
    await expect(restore(future, { dataDir: tmp('minqing-bk-dst-'), databaseUrl: dstUrl })).rejects.toThrow(/does not know/)
  }, 300_000)
})
