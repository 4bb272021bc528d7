import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { afterAll, describe, expect, it } from 'vitest'
import { DiskStorage } from './storage.ts'

const root = mkdtempSync(join(tmpdir(), 'minqing-storage-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('disk storage', () => {
  const storage = new DiskStorage(root)

  it('stores, reads back, hashes and removes a file', async () => {
    const put = await storage.put(Buffer.from('民情日记'), { prefix: 'diary', extension: 'txt' })
    expect(put.key).toMatch(/^diary\/[0-9a-f]{2}\/[0-9a-f-]{36}\.txt$/)
    expect(put.size).toBe(Buffer.byteLength('民情日记'))
    expect(put.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await text(await storage.get(put.key))).toBe('民情日记')
    await storage.remove(put.key)
    expect(await storage.exists(put.key)).toBe(false)
  })

  it('never reaches outside its folder', async () => {
    await expect(storage.get('../../etc/passwd')).rejects.toThrow(/invalid storage key/)
    await expect(storage.get('/etc/passwd')).rejects.toThrow(/invalid storage key/)
    const put = await storage.put(Buffer.from('x'), { prefix: '../..', extension: '../sh' })
    expect(put.key.startsWith('files/') || !put.key.includes('..')).toBe(true)
    expect(put.key).not.toContain('..')
  })

  it('a missing key rejects', async () => {
    await expect(storage.get('files/00/none.txt')).rejects.toThrow()
  })
})
