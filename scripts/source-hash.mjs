// A content hash over a build's inputs (files and folders under the repository root; tests and node_modules left
// out), so a fresh clone, a pull or an edit all rebuild, and an unchanged tree starts at once.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

function* files(path) {
  if (!existsSync(path)) return
  const st = statSync(path)
  if (st.isFile()) {
    yield path
    return
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.endsWith('.test.ts')) continue
    yield* files(join(path, name))
  }
}

/** sha256 over the inputs' relative paths and contents. */
export function sourceHash(inputs) {
  const h = createHash('sha256')
  for (const input of inputs) {
    for (const f of files(join(ROOT, input))) {
      h.update(relative(ROOT, f))
      h.update(readFileSync(f))
    }
  }
  return h.digest('hex')
}
