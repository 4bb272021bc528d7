import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'

/**
 * Where uploaded files live. On disk under DATA_DIR/uploads by default; an S3-compatible store can
 * implement the same interface later without touching the modules.
 */
export interface Storage {
  put(data: Buffer, hint?: { prefix?: string; extension?: string }): Promise<{ key: string; size: number; sha256: string }>
  get(key: string): Promise<Readable>
  exists(key: string): Promise<boolean>
  remove(key: string): Promise<void>
}

const KEY_RE = /^[a-z0-9][a-z0-9/_-]*(\.[a-z0-9]{1,8})?$/

export class DiskStorage implements Storage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    // Keys are ours, but check anyway: a key must never reach outside the root.
    if (!KEY_RE.test(key) || key.includes('..')) throw new Error(`invalid storage key: ${key}`)
    const full = resolve(this.root, key)
    if (!full.startsWith(resolve(this.root) + sep)) throw new Error(`invalid storage key: ${key}`)
    return full
  }

  async put(data: Buffer, hint: { prefix?: string; extension?: string } = {}) {
    const prefix = (hint.prefix ?? 'files').toLowerCase().replace(/[^a-z0-9_-]/g, '')
    const ext = hint.extension && /^[a-z0-9]{1,8}$/i.test(hint.extension) ? '.' + hint.extension.toLowerCase() : ''
    const id = randomUUID()
    const key = `${prefix || 'files'}/${id.slice(0, 2)}/${id}${ext}`
    const full = this.pathOf(key)
    await mkdir(dirname(full), { recursive: true })
    // Write then rename, so a crash never leaves a half file under a valid key.
    const tmp = `${full}.tmp-${process.pid}`
    await writeFile(tmp, data)
    await rename(tmp, full)
    return { key, size: data.length, sha256: createHash('sha256').update(data).digest('hex') }
  }

  async get(key: string): Promise<Readable> {
    const full = this.pathOf(key)
    await stat(full)
    return createReadStream(full)
  }

  async exists(key: string) {
    try {
      await stat(this.pathOf(key))
      return true
    } catch {
      return false
    }
  }

  async remove(key: string) {
    await rm(this.pathOf(key), { force: true })
  }
}

export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads')
