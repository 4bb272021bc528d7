// @vitest-environment happy-dom
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CreateDiary, DiaryEntry } from '@minqing/common'
import { ApiError } from '../../api/client.ts'
import { MemoryOutbox, newOutboxItem, openOutbox, type OutboxStore } from './outbox.ts'
import { backoffMs, classifyError, nextDueAt, resetForRetry, syncOutbox, SyncLoop, type SyncResult, type SyncTransport } from './sync.ts'

/**
 * A stand-in for the server that behaves like it: an entry is stored once per clientId (the same content
 * again answers the stored entry; other content is a 409), a photo once per its clientId. Failures can be
 * queued per call, and a "lost answer" stores but throws (as when the network drops after the server wrote).
 */
class FakeServer implements SyncTransport {
  entries = new Map<string, { entry: DiaryEntry; body: string }>()
  photos = new Map<string, Set<string>>()
  calls: string[] = []
  failNext: (Error | 'lost')[] = []
  private seq = 0

  private maybeFail(): 'lost' | void {
    const f = this.failNext.shift()
    if (f === 'lost') return 'lost'
    if (f) throw f
  }
  private entryOf(id: string): DiaryEntry {
    const e = [...this.entries.values()].find((x) => x.entry.id === id)!.entry
    return { ...e, photos: [...(this.photos.get(id) ?? [])].map((c) => ({ id: c, url: `/api/diary/photos/${c}`, size: 1, contentType: 'image/jpeg' })) }
  }
  async createEntry(body: CreateDiary) {
    this.calls.push(`create ${body.clientId}`)
    const mode = this.maybeFail()
    const json = JSON.stringify(body)
    const existing = this.entries.get(body.clientId)
    if (existing) {
      if (existing.body !== json) throw new ApiError(409, 'CLIENT_ID_REUSED', '该 clientId 已用于另一篇日记')
    } else {
      const id = `srv-${++this.seq}`
      this.entries.set(body.clientId, { entry: { id, clientId: body.clientId, text: body.text, createdAt: new Date().toISOString() } as DiaryEntry, body: json })
    }
    if (mode === 'lost') throw new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch')
    return this.entryOf(this.entries.get(body.clientId)!.entry.id)
  }
  async addPhoto(entryId: string, photo: { blob: Blob; name: string; clientId: string }) {
    this.calls.push(`photo ${photo.clientId}`)
    const mode = this.maybeFail()
    const set = this.photos.get(entryId) ?? new Set()
    set.add(photo.clientId)
    this.photos.set(entryId, set)
    if (mode === 'lost') throw new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch')
    return this.entryOf(entryId)
  }
}

const offline = () => new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch')
const body = (clientId: string, text = '王大爷家屋顶漏水'): CreateDiary => ({ clientId, kind: 'village', text, occurredAt: '2026-11-20T08:00:00.000Z' })
const photo = (clientId: string) => ({ clientId, name: `${clientId}.jpg`, type: 'image/jpeg', data: new Uint8Array([0xff, 0xd8, 0xff]).buffer })
const fixedRandom = { random: () => 0.5 } // no jitter

async function outboxWith(...items: ReturnType<typeof newOutboxItem>[]): Promise<OutboxStore> {
  const box = await openOutbox(new IDBFactory(), `sync-${Math.random()}`)
  for (const i of items) await box.put(i)
  return box
}
const entryItem = (clientId: string, photos: string[] = [], createdAt = '2026-11-20T08:00:00Z') =>
  newOutboxItem({ userId: 'u1', body: body(clientId), photos: photos.map(photo), now: new Date(createdAt) })

describe('classifyError', () => {
  it('tells waiting from refusing', () => {
    expect(classifyError(offline())).toBe('offline')
    expect(classifyError(new TypeError('Failed to fetch'))).toBe('offline')
    expect(classifyError(new ApiError(401, 'UNAUTHENTICATED', ''))).toBe('auth')
    for (const s of [500, 502, 503, 408, 425, 429]) expect(classifyError(new ApiError(s, 'X', ''))).toBe('retry')
    for (const s of [400, 403, 404, 409, 413, 415]) expect(classifyError(new ApiError(s, 'X', ''))).toBe('refused')
    expect(classifyError(new Error('odd'))).toBe('retry')
  })
})

describe('backoffMs', () => {
  it('doubles from 5 s up to 5 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffMs(n, fixedRandom))).toEqual([5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000])
    expect(backoffMs(0, fixedRandom)).toBe(5000)
  })
  it('spreads ±20 % and never passes the cap', () => {
    expect(backoffMs(1, { random: () => 0 })).toBe(4000)
    expect(backoffMs(1, { random: () => 1 })).toBe(6000)
    expect(backoffMs(10, { random: () => 1 })).toBe(300000)
  })
})

describe('syncOutbox', () => {
  let server: FakeServer
  beforeEach(() => {
    server = new FakeServer()
  })

  it('sends the entry, then each photo with its own clientId, and empties the outbox', async () => {
    const box = await outboxWith(entryItem('entry0001', ['photo0001', 'photo0002']))
    const onSent = vi.fn()
    const r = await syncOutbox(box, server, 'u1', { onSent })
    expect(server.calls).toEqual(['create entry0001', 'photo photo0001', 'photo photo0002'])
    expect(r).toMatchObject({ refused: [], waiting: 0, stoppedBy: null })
    expect(r.sent).toHaveLength(1)
    expect(r.sent[0].photos.map((p) => p.id)).toEqual(['photo0001', 'photo0002'])
    expect(onSent).toHaveBeenCalledTimes(1)
    expect(await box.all('u1')).toEqual([])
  })

  it('oldest first, and only the user’s own', async () => {
    const other = newOutboxItem({ userId: 'u2', body: body('theirs001') })
    const box = await outboxWith(entryItem('later0001', [], '2026-11-20T09:00:00Z'), entryItem('early0001', [], '2026-11-20T07:00:00Z'), other)
    await syncOutbox(box, server, 'u1')
    expect(server.calls).toEqual(['create early0001', 'create later0001'])
    expect(await box.all('u2')).toHaveLength(1)
  })

  it('sending the same entry twice stores it once (the answer was lost the first time)', async () => {
    const box = await outboxWith(entryItem('entry0001'))
    server.failNext = ['lost']
    const first = await syncOutbox(box, server, 'u1', { backoff: fixedRandom, now: () => 1000 })
    expect(first.stoppedBy).toBe('offline')
    expect(server.entries.size).toBe(1) // the server has it…
    expect((await box.get('entry0001'))?.entryId).toBeNull() // …but the phone does not know
    const second = await syncOutbox(box, server, 'u1', { force: true })
    expect(server.calls).toEqual(['create entry0001', 'create entry0001'])
    expect(server.entries.size).toBe(1)
    expect(second.sent[0].id).toBe('srv-1')
    expect(await box.all('u1')).toEqual([])
  })

  it('after a crash mid-way it resumes: the entry is not posted again, only the photos not yet sent', async () => {
    const item = entryItem('entry0001', ['photo0001', 'photo0002'])
    const box = await outboxWith(item)
    // Simulate: entry and first photo went through before the page died.
    await server.createEntry(item.body)
    await server.addPhoto('srv-1', { blob: new Blob(), name: 'a', clientId: 'photo0001' })
    await box.put({ ...item, entryId: 'srv-1', photos: item.photos.map((p, i) => ({ ...p, sent: i === 0 })) })
    server.calls = []
    const r = await syncOutbox(box, server, 'u1')
    expect(server.calls).toEqual(['photo photo0002'])
    expect(r.sent[0].photos).toHaveLength(2)
    expect(await box.all('u1')).toEqual([])
  })

  it('a photo whose answer was lost is sent again with the same clientId and stored once', async () => {
    const box = await outboxWith(entryItem('entry0001', ['photo0001']))
    // The entry goes through; the photo is stored but its answer is lost.
    let n = 0
    const add = server.addPhoto.bind(server)
    server.addPhoto = async (id, p) => {
      if (n++ === 0) {
        await add(id, p)
        throw offline()
      }
      return add(id, p)
    }
    const first = await syncOutbox(box, server, 'u1', { now: () => 0, backoff: fixedRandom })
    expect(first.stoppedBy).toBe('offline')
    const kept = (await box.get('entry0001'))!
    expect(kept.entryId).toBe('srv-1')
    expect(kept.photos[0].sent).toBe(false)
    await syncOutbox(box, server, 'u1', { force: true })
    expect(server.calls).toEqual(['create entry0001', 'photo photo0001', 'photo photo0001'])
    expect(server.photos.get('srv-1')!.size).toBe(1)
    expect(await box.all('u1')).toEqual([])
  })

  it('offline: backs off, stops the pass, and tries again when due', async () => {
    const box = await outboxWith(entryItem('entry0001'), entryItem('entry0002', [], '2026-11-20T09:00:00Z'))
    let now = 10_000
    server.failNext = [offline()]
    const r = await syncOutbox(box, server, 'u1', { now: () => now, backoff: fixedRandom })
    expect(r).toMatchObject({ stoppedBy: 'offline', waiting: 2, sent: [] })
    expect(server.calls).toEqual(['create entry0001']) // the second was not even tried
    const waiting = (await box.get('entry0001'))!
    expect(waiting).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: 15_000, error: { status: 0, code: 'NETWORK_ERROR' } })
    expect(nextDueAt(await box.all('u1'))).toBe(0) // the untried one is due at once

    // Not due yet: skipped (the second one goes).
    now = 12_000
    server.calls = []
    const r2 = await syncOutbox(box, server, 'u1', { now: () => now })
    expect(server.calls).toEqual(['create entry0002'])
    expect(r2.waiting).toBe(1)

    // Again offline: the wait doubles.
    now = 15_000
    server.failNext = [offline()]
    await syncOutbox(box, server, 'u1', { now: () => now, backoff: fixedRandom })
    expect((await box.get('entry0001'))!).toMatchObject({ attempts: 2, nextAttemptAt: 25_000 })

    // Back online.
    now = 25_000
    const r3 = await syncOutbox(box, server, 'u1', { now: () => now })
    expect(r3.sent).toHaveLength(1)
    expect(await box.all('u1')).toEqual([])
    expect(server.entries.size).toBe(2)
  })

  it('a server error backs off that item and goes on with the next', async () => {
    const box = await outboxWith(entryItem('entry0001'), entryItem('entry0002', [], '2026-11-20T09:00:00Z'))
    server.failNext = [new ApiError(503, 'INTERNAL', 'down')]
    const r = await syncOutbox(box, server, 'u1', { now: () => 0, backoff: fixedRandom })
    expect(server.calls).toEqual(['create entry0001', 'create entry0002'])
    expect(r).toMatchObject({ stoppedBy: null, waiting: 1 })
    expect(r.sent).toHaveLength(1)
    expect((await box.get('entry0001'))!).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: 5000 })
  })

  it('a refusal (409 CLIENT_ID_REUSED) is kept on the item and not retried by itself', async () => {
    const box = await outboxWith(entryItem('entry0001'))
    await server.createEntry(body('entry0001', 'another text')) // the id is taken by other content
    server.calls = []
    const r = await syncOutbox(box, server, 'u1', { now: () => 0 })
    expect(r.refused).toEqual(['entry0001'])
    const failed = (await box.get('entry0001'))!
    expect(failed).toMatchObject({ state: 'failed', error: { status: 409, code: 'CLIENT_ID_REUSED' } })
    // Neither a later pass nor a forced one sends it again…
    await syncOutbox(box, server, 'u1', { now: () => 1e12, force: true })
    expect(server.calls).toEqual(['create entry0001'])
    expect(nextDueAt(await box.all('u1'))).toBeNull()
    // …only the user's retry does.
    await box.put(resetForRetry(failed))
    await syncOutbox(box, server, 'u1')
    expect(server.calls).toHaveLength(2)
    expect((await box.get('entry0001'))!.state).toBe('failed')
  })

  it('a refused photo (not an image) marks the item failed; the entry itself is stored', async () => {
    const box = await outboxWith(entryItem('entry0001', ['photo0001']))
    server.addPhoto = async () => {
      throw new ApiError(400, 'UNSUPPORTED_FILE', '照片须为 JPEG、PNG 或 WebP 图片')
    }
    await syncOutbox(box, server, 'u1')
    expect((await box.get('entry0001'))!).toMatchObject({ state: 'failed', entryId: 'srv-1', error: { code: 'UNSUPPORTED_FILE' } })
    expect(server.entries.size).toBe(1)
  })

  it('a 401 stops the pass without counting an attempt (the outbox waits for the next login)', async () => {
    const box = await outboxWith(entryItem('entry0001'), entryItem('entry0002', [], '2026-11-20T09:00:00Z'))
    server.failNext = [new ApiError(401, 'UNAUTHENTICATED', 'no')]
    const r = await syncOutbox(box, server, 'u1')
    expect(r).toMatchObject({ stoppedBy: 'auth', waiting: 2 })
    expect(server.calls).toEqual(['create entry0001'])
    expect((await box.get('entry0001'))!).toMatchObject({ state: 'pending', attempts: 0 })
  })

  it('frees the bytes of a photo once the server has it', async () => {
    const box = new MemoryOutbox()
    await box.put(entryItem('entry0001', ['photo0001', 'photo0002']))
    const add = server.addPhoto.bind(server)
    let n = 0
    server.addPhoto = async (id, p) => {
      if (n++ === 1) throw offline()
      return add(id, p)
    }
    await syncOutbox(box, server, 'u1', { now: () => 0 })
    const kept = (await box.get('entry0001'))!
    expect(kept.photos.map((p) => [p.sent, p.data.byteLength])).toEqual([
      [true, 0],
      [false, 3],
    ])
  })
})

describe('SyncLoop', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())
  const result = (over: Partial<SyncResult> = {}): SyncResult => ({ sent: [], refused: [], waiting: 0, stoppedBy: null, ...over })

  it('runs at start, again on `online` (ignoring the backoff), and on a timer at the next due time', async () => {
    const win = new EventTarget()
    let due: number | null = Date.now() + 20_000
    const run = vi.fn(async (_force: boolean) => result({ waiting: due === null ? 0 : 1 }))
    const loop = new SyncLoop({ run, nextDue: async () => due, window: win })
    await loop.start()
    expect(run).toHaveBeenCalledTimes(1)
    expect(run).toHaveBeenLastCalledWith(false)

    await vi.advanceTimersByTimeAsync(19_000)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(run).toHaveBeenCalledTimes(2)

    win.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(3)
    expect(run).toHaveBeenLastCalledWith(true)

    // Nothing waits: no timer.
    due = null
    await loop.kick()
    const calls = run.mock.calls.length
    await vi.advanceTimersByTimeAsync(600_000)
    expect(run).toHaveBeenCalledTimes(calls)

    loop.stop()
    win.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(calls)
  })

  it('one pass at a time: kicks during a pass make one more pass after it', async () => {
    let release!: () => void
    const run = vi.fn(
      (_force: boolean) =>
        new Promise<SyncResult>((resolve) => {
          release = () => resolve(result())
        }),
    )
    const loop = new SyncLoop({ run, nextDue: async () => null })
    const first = loop.start()
    void loop.kick(false)
    void loop.kick(true)
    expect(run).toHaveBeenCalledTimes(1)
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(run).toHaveBeenCalledTimes(2)
    expect(run).toHaveBeenLastCalledWith(true)
    release()
    await first
    expect(run).toHaveBeenCalledTimes(2)
  })

  it('a kick while the next time is being worked out is not lost', async () => {
    let releaseDue!: () => void
    const run = vi.fn(async () => result())
    const nextDue = vi
      .fn<() => Promise<number | null>>()
      .mockImplementationOnce(() => new Promise((r) => (releaseDue = () => r(null))))
      .mockResolvedValue(null)
    const loop = new SyncLoop({ run, nextDue })
    const first = loop.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(nextDue).toHaveBeenCalledTimes(1)
    void loop.kick(true) // an entry was just written
    releaseDue()
    await first
    expect(run).toHaveBeenCalledTimes(2)
    expect(run).toHaveBeenLastCalledWith(true)
    loop.stop()
  })

  it('waits at least a second between passes, and does not reschedule after a 401', async () => {
    const run = vi.fn(async () => result({ waiting: 1 }))
    const loop = new SyncLoop({ run, nextDue: async () => 0 })
    await loop.start()
    await vi.advanceTimersByTimeAsync(999)
    expect(run).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(2)
    run.mockResolvedValue(result({ stoppedBy: 'auth' }))
    await vi.advanceTimersByTimeAsync(1000)
    const n = run.mock.calls.length
    await vi.advanceTimersByTimeAsync(60_000)
    expect(run).toHaveBeenCalledTimes(n)
    loop.stop()
  })

  it('a pass that throws is reported and the loop goes on', async () => {
    const onError = vi.fn()
    const run = vi.fn(async () => {
      throw new Error('idb broke')
    })
    const loop = new SyncLoop({ run, nextDue: async () => Date.now() + 5000, onError })
    await loop.start()
    expect(onError).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(run).toHaveBeenCalledTimes(2)
    loop.stop()
  })
})
