import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { type Kysely, sql, type Transaction } from 'kysely'
import { Migrator } from 'kysely/migration'
import { openConfiguredDatabase } from '../bootstrap.ts'
import { type Config, loadConfig } from '../config.ts'
import { type Database, pgliteDirFor } from '../db/index.ts'
import { migrations } from '../db/migrations/index.ts'
import type { DB } from '../db/types.ts'
import { uploadsDir } from '../platform/storage.ts'
import { extractTarGz, writeTarGz } from './tar.ts'

/*
 * Backup and restore of a whole installation: every table of the database, the uploaded files and (when the
 * key lives in the data folder) the secret key, in one .tar.gz with a manifest.
 *
 * The tables go out as a logical dump — one JSON line per row, read in one REPEATABLE READ snapshot — not as
 * pg_dump output or a copy of PGlite's data folder, because:
 *  - it needs no client tools (pg_dump must match or exceed the server's major version; PGlite has none),
 *  - the same archive restores into PGlite or PostgreSQL (an embedded install can move to a real server),
 *  - it is checked row for row: each table's count and content hash are in the manifest and are verified
 *    after a restore, inside the restoring transaction (a mismatch rolls everything back).
 * The schema is not in the archive: restore runs this code's migrations up to the archive's migration level,
 * loads the rows, then migrates the rest of the way.
 */

export const BACKUP_FORMAT = 'minqing-backup'
export const BACKUP_FORMAT_VERSION = 1
const BATCH = 1000
/** Kysely's own bookkeeping: rebuilt by the migrator on restore. */
const SKIPPED_TABLES = new Set(['kysely_migration', 'kysely_migration_lock'])

export interface TableManifest {
  name: string
  rows: number
  /** Order-independent hash of the rows (sum of each row's SHA-256 mod 2^256, as hex). */
  sha256: string
  /** Columns in the dump (generated columns are left out: the database computes them again). */
  columns: string[]
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  formatVersion: number
  appVersion: string
  createdAt: string
  source: { kind: 'pglite' | 'postgres'; serverVersion: string }
  migration: { level: string; count: number }
  tables: TableManifest[]
  /** Every sequence: identity columns' and those the code makes at run time (a day's case numbers). */
  sequences: { name: string; lastValue: string; isCalled: boolean; type: string; start: string; min: string; max: string; increment: string; cycle: boolean }[]
  uploads: { files: number; bytes: number }
  secret: { included: boolean; fingerprint: string }
}

/** A short fingerprint of the key, to tell on restore whether the configured key is the one the data needs. */
export function keyFingerprint(secret: string): string {
  return createHash('sha256').update('minqing-key-fingerprint\0').update(secret).digest('hex').slice(0, 16)
}

type Exec = Kysely<DB> | Transaction<DB>
const ident = (name: string) => sql.id(name)

interface TableInfo {
  name: string
  columns: string[]
  generated: string[]
}

async function listTables(db: Exec): Promise<TableInfo[]> {
  const { rows } = await sql<{ table_name: string; column_name: string; is_generated: string }>`
    select c.table_name, c.column_name, c.is_generated
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db)
  const out = new Map<string, TableInfo>()
  for (const r of rows) {
    if (SKIPPED_TABLES.has(r.table_name)) continue
    const t = out.get(r.table_name) ?? { name: r.table_name, columns: [], generated: [] }
    ;(r.is_generated === 'NEVER' ? t.columns : t.generated).push(r.column_name)
    out.set(r.table_name, t)
  }
  return [...out.values()]
}

const MOD = 1n << 256n

/** Read every row of a table as a JSON line (page by page in physical order) and hash the set of rows. */
async function readTable(db: Exec, t: TableInfo, onLines?: (lines: string[]) => Promise<void> | void) {
  let after = '(0,0)'
  let rows = 0
  let sum = 0n
  const json = t.generated.length ? sql`to_jsonb(t) - ${sql.raw(`array[${t.generated.map((g) => `'${g.replace(/'/g, "''")}'`).join(',')}]`)}` : sql`to_jsonb(t)`
  for (;;) {
    const page = await sql<{ c: string; j: string }>`
      select ctid::text as c, (${json})::text as j from ${ident(t.name)} t where ctid > ${after}::tid order by ctid limit ${sql.lit(BATCH)}`.execute(db)
    if (!page.rows.length) break
    const lines = page.rows.map((r) => r.j)
    for (const line of lines) sum = (sum + BigInt('0x' + createHash('sha256').update(line).digest('hex'))) % MOD
    rows += lines.length
    if (onLines) await onLines(lines)
    after = page.rows[page.rows.length - 1].c
    if (page.rows.length < BATCH) break
  }
  return { rows, sha256: sum.toString(16).padStart(64, '0') }
}

async function migrationLevel(db: Exec): Promise<{ level: string; count: number }> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
  if (!rows.length) throw new Error('the database has never been migrated: nothing to back up')
  return { level: rows[rows.length - 1].name, count: rows.length }
}

async function sequences(db: Exec) {
  const { rows } = await sql<{ name: string; type: string; start: string; min: string; max: string; increment: string; cycle: boolean }>`
    select sequencename as name, data_type::text as type, start_value::text as start, min_value::text as min, max_value::text as max,
      increment_by::text as increment, cycle
    from pg_sequences where schemaname = 'public' order by 1`.execute(db)
  const out: BackupManifest['sequences'] = []
  for (const r of rows) {
    const { rows: s } = await sql<{ last_value: string; is_called: boolean }>`select last_value::text, is_called from ${ident(r.name)}`.execute(db)
    out.push({ ...r, lastValue: s[0].last_value, isCalled: s[0].is_called })
  }
  return out
}

async function walk(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await walk(full)))
    // Half-written files (storage writes to a .tmp- name, then renames) are not files yet.
    else if (e.isFile() && !e.name.includes('.tmp-')) out.push(full)
  }
  return out
}

function writeLine(out: WriteStream, text: string): Promise<void> {
  return new Promise((res, rej) => out.write(text, (err) => (err ? rej(err) : res())))
}

export interface BackupResult {
  file: string
  manifest: BackupManifest
}

/**
 * Write one archive of the installation `config` describes. PostgreSQL may be in use meanwhile (one
 * consistent snapshot); an embedded PGlite folder must not be (one process per folder).
 */
export async function backup(config: Config, out: string, opts: { force?: boolean; database?: Database } = {}): Promise<BackupResult> {
  if (!opts.database && !config.databaseUrl && existsSync(join(pgliteDirFor(config.dataDir), 'postmaster.pid')) && !opts.force) {
    throw new Error(
      `${pgliteDirFor(config.dataDir)} is open in a running server (or one that was killed): stop the server first ` +
        '(one process per PGlite folder). If none runs, start and stop it once, or pass --force.',
    )
  }
  const staging = await mkdtemp(join(tmpdir(), 'minqing-backup-'))
  const database = opts.database ?? (await openConfiguredDatabase(config))
  try {
    const tablesDir = join(staging, 'tables')
    await mkdir(tablesDir)
    const manifest = await database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        // One time zone for every timestamp written, whatever the server's setting.
        await sql`set local timezone = 'UTC'`.execute(trx)
        const migration = await migrationLevel(trx)
        const tables: TableManifest[] = []
        for (const t of await listTables(trx)) {
          const file = createWriteStream(join(tablesDir, `${t.name}.jsonl`))
          const r = await readTable(trx, t, (lines) => writeLine(file, lines.join('\n') + '\n'))
          await new Promise<void>((res, rej) => file.end((err?: Error | null) => (err ? rej(err) : res())))
          tables.push({ name: t.name, rows: r.rows, sha256: r.sha256, columns: t.columns })
        }
        const { rows } = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(trx)
        const m: BackupManifest = {
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          appVersion: config.version,
          createdAt: new Date().toISOString(),
          source: { kind: database.kind, serverVersion: rows[0].v },
          migration,
          tables,
          sequences: await sequences(trx),
          uploads: { files: 0, bytes: 0 },
          secret: { included: false, fingerprint: keyFingerprint(config.secret) },
        }
        return m
      })

    const entries: { name: string; file: string }[] = []
    const uploadRoot = uploadsDir(config.dataDir)
    for (const file of await walk(uploadRoot)) {
      entries.push({ name: `uploads/${relative(uploadRoot, file).split('\\').join('/')}`, file })
      manifest.uploads.files++
      manifest.uploads.bytes += (await stat(file)).size
    }
    // The generated key of an install without MINQING_SECRET: without it the encrypted ID numbers and phones
    // in the dump are unreadable. A key given through MINQING_SECRET is never written anywhere by us.
    const keyFile = join(config.dataDir, 'secret.key')
    if (existsSync(keyFile) && (await readFile(keyFile, 'utf8')).trim() === config.secret) {
      await copyFile(keyFile, join(staging, 'secret.key'))
      manifest.secret.included = true
    }
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
    await writeTarGz(resolve(out), [
      { name: 'manifest.json', file: join(staging, 'manifest.json') },
      ...(manifest.secret.included ? [{ name: 'secret.key', file: join(staging, 'secret.key') }] : []),
      ...manifest.tables.map((t) => ({ name: `tables/${t.name}.jsonl`, file: join(tablesDir, `${t.name}.jsonl`) })),
      ...entries,
    ])
    return { file: resolve(out), manifest }
  } finally {
    if (!opts.database) await database.close()
    await rm(staging, { recursive: true, force: true })
  }
}

async function* jsonLines(file: string) {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of rl) if (line) yield line
}

async function isEmptyDir(dir: string) {
  return !existsSync(dir) || (await readdir(dir)).length === 0
}

async function userTableCount(db: Exec) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`.execute(db)
  return rows[0].n
}

export interface RestoreResult {
  manifest: BackupManifest
  tables: number
  rows: number
  uploads: number
  /** Migrations run after loading (the archive came from an older version). */
  migratedAfter: number
  warnings: string[]
}

/**
 * Restore an archive into an EMPTY installation (database without tables, empty uploads folder, and for
 * PGlite an empty data folder); `force` wipes them first. The rows go in as one transaction that checks
 * every table's count and hash before it commits.
 */
export async function restore(
  archive: string,
  target: { dataDir: string; databaseUrl?: string; databasePoolSize?: number; secret?: string },
  opts: { force?: boolean; log?: (line: string) => void } = {},
): Promise<RestoreResult> {
  const log = opts.log ?? (() => {})
  const warnings: string[] = []
  const warn = (w: string) => {
    warnings.push(w)
    log(`WARNING: ${w}`)
  }
  const staging = await mkdtemp(join(tmpdir(), 'minqing-restore-'))
  try {
    await extractTarGz(resolve(archive), staging)
    const manifest = JSON.parse(await readFile(join(staging, 'manifest.json'), 'utf8')) as BackupManifest
    if (manifest.format !== BACKUP_FORMAT || manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
      throw new Error(`not a Minqing backup of a known format (format ${manifest.format} v${manifest.formatVersion})`)
    }
    const known = Object.keys(migrations).sort()
    if (!known.includes(manifest.migration.level)) {
      throw new Error(
        `the archive is at migration ${manifest.migration.level}, which this version does not know ` +
          `(newest here: ${known[known.length - 1]}): restore it with the version that wrote it (${manifest.appVersion}) or newer`,
      )
    }

    // Files first: refuse before touching anything.
    const uploadRoot = uploadsDir(target.dataDir)
    const pgliteDir = pgliteDirFor(target.dataDir)
    if (!(await isEmptyDir(uploadRoot))) {
      if (!opts.force) throw new Error(`${uploadRoot} is not empty: restore only into an empty installation (or pass --force to wipe it)`)
      await rm(uploadRoot, { recursive: true, force: true })
    }
    if (!target.databaseUrl && !(await isEmptyDir(pgliteDir))) {
      if (!opts.force) throw new Error(`${pgliteDir} is not empty: restore only into an empty data folder (or pass --force to wipe it)`)
      await rm(pgliteDir, { recursive: true, force: true })
    }

    // The key. Without the right one every encrypted ID number and phone is unreadable after the restore.
    const keyFile = join(target.dataDir, 'secret.key')
    if (manifest.secret.included) {
      const archived = (await readFile(join(staging, 'secret.key'), 'utf8')).trim()
      if (target.secret) {
        if (keyFingerprint(target.secret) !== manifest.secret.fingerprint) {
          if (!opts.force)
            throw new Error(
              "MINQING_SECRET is set to another key than the archive's: the restored ID numbers and phones would be unreadable. Unset it (the archive's key is restored to secret.key) or pass --force",
            )
          warn('MINQING_SECRET differs from the archived key: encrypted ID numbers and phones will be UNREADABLE until the archived key is used')
        }
      } else if (existsSync(keyFile) && (await readFile(keyFile, 'utf8')).trim() !== archived) {
        if (!opts.force) throw new Error(`${keyFile} holds another key than the archive's: restore into an empty data folder (or pass --force to replace it)`)
      }
      await mkdir(target.dataDir, { recursive: true })
      await writeFile(keyFile, archived + '\n', { mode: 0o600 })
    } else {
      const current = target.secret ?? (existsSync(keyFile) ? (await readFile(keyFile, 'utf8')).trim() : undefined)
      if (!current || keyFingerprint(current) !== manifest.secret.fingerprint) {
        const msg = `the archive does not contain the secret key (fingerprint ${manifest.secret.fingerprint}) and ${current ? 'the configured key is another one' : 'no key is configured'}: set MINQING_SECRET to the key the backed-up server used, or every encrypted ID number and phone stays unreadable`
        if (!opts.force) throw new Error(msg)
        warn(msg)
      }
    }

    const database = await openConfiguredDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, databasePoolSize: target.databasePoolSize ?? 4 } as Config)
    let result: Omit<RestoreResult, 'uploads' | 'warnings' | 'manifest'>
    try {
      const db = database.db
      if ((await userTableCount(db)) > 0) {
        if (!opts.force) throw new Error('the target database is not empty: restore only into an empty database (or pass --force to drop everything in its public schema)')
        await sql`drop schema public cascade`.execute(db)
        await sql`create schema public`.execute(db)
      }
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
      const to = await migrator.migrateTo(manifest.migration.level)
      if (to.error) throw to.error
      result = await db.transaction().execute(async (trx) => {
        await sql`set local timezone = 'UTC'`.execute(trx)
        const present = new Map((await listTables(trx)).map((t) => [t.name, t]))
        for (const t of manifest.tables) {
          const here = present.get(t.name)
          if (!here) throw new Error(`table ${t.name} of the archive does not exist at migration ${manifest.migration.level}`)
          const missing = t.columns.filter((c) => !here.columns.includes(c))
          if (missing.length) throw new Error(`table ${t.name}: columns ${missing.join(', ')} do not exist at migration ${manifest.migration.level}`)
        }
        // Migrations insert reference rows (categories…); the archive holds those tables' whole content as it
        // was, admins' edits included, so it replaces them.
        if (manifest.tables.length) await sql`truncate table ${sql.join(manifest.tables.map((t) => ident(t.name)))}`.execute(trx)
        // Rows go in table by table in any order: foreign keys are checked at the end, once everything is in
        // (self-references such as regions.parent_id and cycles need no ordering), then made immediate again.
        const { rows: fks } = await sql<{ table: string; name: string; deferrable: boolean; deferred: boolean }>`
          select c.conrelid::regclass::text as table, c.conname as name, c.condeferrable as deferrable, c.condeferred as deferred
          from pg_constraint c join pg_namespace n on n.oid = c.connamespace
          where c.contype = 'f' and n.nspname = 'public'`.execute(trx)
        for (const fk of fks) await sql`alter table ${sql.raw(fk.table)} alter constraint ${ident(fk.name)} deferrable initially deferred`.execute(trx)
        await sql`set constraints all deferred`.execute(trx)
        let rows = 0
        for (const t of manifest.tables) {
          const cols = sql.join(t.columns.map(ident))
          let batch: string[] = []
          const flush = async () => {
            if (!batch.length) return
            await sql`insert into ${ident(t.name)} (${cols}) select ${cols} from jsonb_populate_recordset(null::${ident(t.name)}, ${'[' + batch.join(',') + ']'}::jsonb)`.execute(trx)
            rows += batch.length
            batch = []
          }
          for await (const line of jsonLines(join(staging, 'tables', `${t.name}.jsonl`))) {
            batch.push(line)
            if (batch.length >= BATCH) await flush()
          }
          await flush()
        }
        await sql`set constraints all immediate`.execute(trx)
        for (const fk of fks) {
          const mode = fk.deferrable ? sql.raw(`deferrable initially ${fk.deferred ? 'deferred' : 'immediate'}`) : sql.raw('not deferrable')
          await sql`alter table ${sql.raw(fk.table)} alter constraint ${ident(fk.name)} ${mode}`.execute(trx)
        }
        for (const s of manifest.sequences) {
          // Identity columns' sequences came with the migrations; the others are made as they were.
          if (!/^[a-z]+$/.test(s.type) || ![s.start, s.min, s.max, s.increment].every((v) => /^-?\d+$/.test(v))) throw new Error(`sequence ${s.name}: bad definition in the archive`)
          await sql`create sequence if not exists ${ident(s.name)} as ${sql.raw(s.type)} increment by ${sql.raw(s.increment)} minvalue ${sql.raw(s.min)} maxvalue ${sql.raw(s.max)} start with ${sql.raw(s.start)} ${sql.raw(s.cycle ? 'cycle' : 'no cycle')}`.execute(
            trx,
          )
          await sql`select setval(${s.name}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(trx)
        }
        // Verify before committing: every table's count and content as the archive says.
        for (const t of manifest.tables) {
          const got = await readTable(trx, present.get(t.name)!)
          if (got.rows !== t.rows || got.sha256 !== t.sha256) {
            throw new Error(`table ${t.name} does not match the archive after loading (rows ${got.rows} of ${t.rows}, hash ${got.sha256 === t.sha256 ? 'equal' : 'different'}); nothing was restored`)
          }
        }
        return { tables: manifest.tables.length, rows, migratedAfter: 0 }
      })
      const latest = await migrator.migrateToLatest()
      if (latest.error) throw latest.error
      result.migratedAfter = latest.results?.length ?? 0
    } finally {
      await database.close()
    }

    let uploads = 0
    const stagedUploads = join(staging, 'uploads')
    for (const file of await walk(stagedUploads)) {
      const dest = join(uploadRoot, relative(stagedUploads, file))
      await mkdir(dirname(dest), { recursive: true })
      await copyFile(file, dest)
      uploads++
    }
    if (uploads !== manifest.uploads.files) throw new Error(`restored ${uploads} uploaded files, the archive lists ${manifest.uploads.files}`)
    return { manifest, ...result, uploads, warnings }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

function parseArgs(args: string[]) {
  const out: { positional: string[]; force: boolean; out?: string } = { positional: [], force: false }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--force') out.force = true
    else if (a === '--out' || a === '-o') out.out = args[++i]
    else if (a.startsWith('--out=')) out.out = a.slice(6)
    else if (a.startsWith('-')) throw new Error(`unexpected argument: ${a}`)
    else out.positional.push(a)
  }
  return out
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')

/** `minqing backup [--out FILE] [--force]` */
export async function backupCommand(args: string[]) {
  const a = parseArgs(args)
  const config = loadConfig()
  const out = a.out ?? a.positional[0] ?? `minqing-backup-${stamp()}.tar.gz`
  const started = performance.now()
  const { file, manifest } = await backup(config, out, { force: a.force })
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0)
  const size = (await stat(file)).size
  console.log(
    `backup written: ${file} (${(size / 1024 / 1024).toFixed(1)} MB, ${Math.round(performance.now() - started)} ms)\n` +
      `  ${manifest.source.kind} ${manifest.source.serverVersion}, migration ${manifest.migration.level}\n` +
      `  ${manifest.tables.length} tables, ${rows} rows; ${manifest.uploads.files} uploaded files (${manifest.uploads.bytes} bytes)`,
  )
  if (manifest.secret.included) {
    console.log('  !! The archive CONTAINS THE SECRET KEY (DATA_DIR/secret.key) next to the encrypted ID numbers and phones: keep it as safe as the database itself.')
  } else {
    console.log(
      `  !! The archive does NOT contain the secret key (MINQING_SECRET, fingerprint ${manifest.secret.fingerprint}). Keep that key safe ` +
        'separately: without it every encrypted ID number and phone in this backup is unreadable.',
    )
  }
}

/** `minqing restore FILE [--force]` — into the installation DATA_DIR / DATABASE_URL point at. */
export async function restoreCommand(args: string[]) {
  const a = parseArgs(args)
  const file = a.positional[0]
  if (!file) throw new Error('usage: minqing restore <backup.tar.gz> [--force]')
  // loadConfig would generate a new secret.key into an empty data folder: pass a placeholder to read the rest.
  const config = loadConfig({ ...process.env, MINQING_SECRET: process.env.MINQING_SECRET || 'restore-placeholder' })
  const started = performance.now()
  const r = await restore(
    file,
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl, databasePoolSize: config.databasePoolSize, secret: process.env.MINQING_SECRET || undefined },
    { force: a.force, log: (l) => console.error(l) },
  )
  console.log(
    `restored ${file} into ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${pgliteDirFor(config.dataDir)}`} (${Math.round(performance.now() - started)} ms)\n` +
      `  ${r.tables} tables, ${r.rows} rows — counts and content hashes verified; migration ${r.manifest.migration.level}` +
      `${r.migratedAfter ? `, then ${r.migratedAfter} newer migrations` : ''}\n` +
      `  ${r.uploads} uploaded files; secret key ${r.manifest.secret.included ? 'restored to DATA_DIR/secret.key' : 'NOT in the archive (MINQING_SECRET must be the original key)'}`,
  )
}
