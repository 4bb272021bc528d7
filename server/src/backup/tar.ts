import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'

// A minimal ustar writer and reader, enough for our own backup archives (regular files only). Written here
// rather than taken from npm: the archive format must outlive dependency churn, and it is 100 lines.

const BLOCK = 512

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK)
  let prefix = ''
  let base = name
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155)
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100 || Buffer.byteLength(name.slice(0, cut)) > 155) throw new Error(`name too long for the archive: ${name}`)
    prefix = name.slice(0, cut)
    base = name.slice(cut + 1)
  }
  h.write(base, 0, 100, 'utf8')
  h.write(octal(0o644, 8), 100, 'ascii')
  h.write(octal(0, 8), 108, 'ascii')
  h.write(octal(0, 8), 116, 'ascii')
  h.write(octal(size, 12), 124, 'ascii')
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii')
  h.write('        ', 148, 'ascii')
  h.write('0', 156, 'ascii')
  h.write('ustar\0', 257, 'ascii')
  h.write('00', 263, 'ascii')
  h.write(prefix, 345, 155, 'utf8')
  let sum = 0
  for (const b of h) sum += b
  h.write(octal(sum, 7) + ' ', 148, 'ascii')
  return h
}

/** Write `entries` (archive name → file on disk), in order, as a gzip'd tar to `out` (atomically: via out.partial). */
export async function writeTarGz(out: string, entries: { name: string; file: string }[]) {
  async function* blocks() {
    for (const e of entries) {
      const st = await stat(e.file)
      yield header(e.name, st.size, st.mtimeMs)
      let written = 0
      for await (const chunk of createReadStream(e.file)) {
        written += (chunk as Buffer).length
        yield chunk as Buffer
      }
      if (written !== st.size) throw new Error(`${e.file} changed while it was archived`)
      if (st.size % BLOCK) yield Buffer.alloc(BLOCK - (st.size % BLOCK))
    }
    yield Buffer.alloc(BLOCK * 2)
  }
  await mkdir(dirname(out), { recursive: true })
  const partial = `${out}.partial`
  await pipeline(Readable.from(blocks()), createGzip(), createWriteStream(partial))
  await rename(partial, out)
}

/** A name from an archive as a path under `root`, or an error if it would reach outside it. */
function safeJoin(root: string, name: string): string {
  const n = normalize(name)
  if (!name || isAbsolute(name) || n.startsWith('..') || n.split(sep).includes('..')) throw new Error(`unsafe name in archive: ${name}`)
  return join(root, n)
}

/** Unpack a gzip'd tar into `root`; returns the names of the files written. Only regular files are taken. */
export async function extractTarGz(file: string, root: string): Promise<string[]> {
  const names: string[] = []
  let buf: Buffer = Buffer.alloc(0)
  let current: { fh: Awaited<ReturnType<typeof open>>; left: number; pad: number } | undefined
  let skip = 0
  let ended = false
  const gunzip = createReadStream(file).pipe(createGunzip())
  for await (const chunk of gunzip) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer)
    for (;;) {
      if (ended) break
      if (skip) {
        const n = Math.min(skip, buf.length)
        buf = buf.subarray(n)
        skip -= n
        if (skip) break
        continue
      }
      if (current) {
        const n = Math.min(current.left, buf.length)
        if (n) await current.fh.write(buf.subarray(0, n))
        buf = buf.subarray(n)
        current.left -= n
        if (current.left) break
        await current.fh.close()
        skip = current.pad
        current = undefined
        continue
      }
      if (buf.length < BLOCK) break
      const h = buf.subarray(0, BLOCK)
      buf = buf.subarray(BLOCK)
      if (h.every((b) => b === 0)) {
        ended = true
        break
      }
      const str = (off: number, len: number) =>
        h
          .subarray(off, off + len)
          .toString('utf8')
          .replace(/\0.*$/s, '')
      const size = parseInt(str(124, 12).trim() || '0', 8)
      const type = str(156, 1) || '0'
      const prefix = str(345, 155)
      const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100)
      const pad = size % BLOCK ? BLOCK - (size % BLOCK) : 0
      if (type !== '0') {
        skip = size + pad
        continue
      }
      const path = safeJoin(root, name)
      await mkdir(dirname(path), { recursive: true })
      current = { fh: await open(path, 'wx'), left: size, pad }
      names.push(name)
      if (size === 0) {
        await current.fh.close()
        current = undefined
        skip = pad
      }
    }
  }
  if (current) {
    await current.fh.close()
    throw new Error('the archive is truncated')
  }
  if (!ended) throw new Error('the archive is truncated (no end marker)')
  return names
}
