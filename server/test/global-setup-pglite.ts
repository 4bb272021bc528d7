import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { TestProject } from 'vitest/node'
import { migrateToLatest, openDatabase } from '../src/db/index.ts'

/**
 * Migrate one PGlite per run and snapshot it; each test file opens its own copy from the snapshot
 * (ARCHITECTURE.md §7), so files run in parallel without sharing data.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'minqing-pglite-'))
  const pglite = new PGlite()
  const database = await openDatabase({ pglite })
  await migrateToLatest(database.db)
  const dump = await pglite.dumpDataDir('none')
  const file = join(dir, 'migrated.tar')
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  await database.close()
  project.provide('pgliteSnapshot', file)
  return () => rmSync(dir, { recursive: true, force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string
    pgTemplate: string
  }
}
