// @vitest-environment happy-dom
// happy-dom has no IndexedDB: fake-indexeddb stands in (the same API, in memory).
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { MemoryOutbox, newOutboxItem, openOutbox, type OutboxItem } from './outbox.ts'

const body = (clientId: string, text = '走访') => ({ clientId, kind: 'village' as const, text })
const item = (clientId: string, userId = 'u1', createdAt = '2026-11-20T08:00:00.000Z'): OutboxItem => newOutboxItem({ userId, body: body(clientId), now: new Date(createdAt) })

describe('diary outbox (IndexedDB)', () => {
  it('keeps entries with their photos, per user, oldest first', async () => {
    const box = await openOutbox(new IDBFactory(), 'test-a')
    expect(box.persistent).toBe(true)
    const photo = { clientId: 'photo0001', name: 'a.jpg', type: 'image/jpeg', data: new Uint8Array([1, 2, 3]).buffer }
    await box.put(newOutboxItem({ userId: 'u1', body: body('entry0002'), photos: [photo], now: new Date('2026-11-20T09:00:00Z') }))
    await box.put(item('entry0001'))
    await box.put(item('other0001', 'u2'))

    const mine = await box.all('u1')
    expect(mine.map((i) => i.clientId)).toEqual(['entry0001', 'entry0002'])
    expect((await box.all()).length).toBe(3)
    const withPhoto = mine[1]
    expect(withPhoto.photos).toHaveLength(1)
    expect(withPhoto.photos[0]).toMatchObject({ clientId: 'photo0001', size: 3, sent: false })
    expect([...new Uint8Array(withPhoto.photos[0].data)]).toEqual([1, 2, 3])
    expect(withPhoto).toMatchObject({ state: 'pending', attempts: 0, entryId: null, error: null })
  })

  it('survives closing and reopening (a reload, a crash)', async () => {
    const factory = new IDBFactory()
    const a = await openOutbox(factory, 'test-b')
    await a.put(item('entry0001'))
    a.close()
    const b = await openOutbox(factory, 'test-b')
    expect((await b.get('entry0001'))?.body.text).toBe('走访')
  })

  it('put replaces by clientId; remove deletes', async () => {
    const box = await openOutbox(new IDBFactory(), 'test-c')
    const i = item('entry0001')
    await box.put(i)
    await box.put({ ...i, attempts: 3, entryId: 'srv-1' })
    expect(await box.all('u1')).toHaveLength(1)
    expect((await box.get('entry0001'))?.attempts).toBe(3)
    await box.remove('entry0001')
    expect(await box.get('entry0001')).toBeUndefined()
    expect(await box.all('u1')).toEqual([])
  })
})

describe('diary outbox fallback', () => {
  it('without IndexedDB it lives in memory, and says so', async () => {
    const box = await openOutbox(undefined)
    expect(box).toBeInstanceOf(MemoryOutbox)
    expect(box.persistent).toBe(false)
    await box.put(item('entry0001'))
    await box.put(item('entry0000', 'u1', '2026-11-19T00:00:00Z'))
    expect((await box.all('u1')).map((i) => i.clientId)).toEqual(['entry0000', 'entry0001'])
    // Copies, not the stored objects.
    const got = (await box.get('entry0001'))!
    got.attempts = 99
    expect((await box.get('entry0001'))!.attempts).toBe(0)
  })

  it('an IndexedDB that refuses to open falls back to memory', async () => {
    const broken = {
      open: () => {
        const r: Record<string, unknown> = { error: new Error('denied') }
        setTimeout(() => (r.onerror as () => void)?.())
        return r
      },
    } as unknown as globalThis.IDBFactory
    const box = await openOutbox(broken)
    expect(box.persistent).toBe(false)
  })
})
