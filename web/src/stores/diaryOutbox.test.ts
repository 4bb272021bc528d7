// @vitest-environment happy-dom
// happy-dom has no IndexedDB: fake-indexeddb provides it (globals), as a browser would.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { CreateDiary, DiaryEntry } from '@minqing/common'
import { ApiError } from '../api/client.ts'
import { diaryApi } from '../api/diary.ts'
import { useDiaryOutboxStore } from './diaryOutbox.ts'

vi.mock('../api/diary.ts', () => ({ diaryApi: { create: vi.fn(), addPhoto: vi.fn() } }))
const create = vi.mocked(diaryApi.create)
const addPhoto = vi.mocked(diaryApi.addPhoto)

/** The server: one entry per clientId, one photo per photo clientId. */
function serverLike() {
  const entries = new Map<string, DiaryEntry>()
  const photos = new Map<string, Set<string>>()
  const full = (e: DiaryEntry) => ({ ...e, photos: [...(photos.get(e.id) ?? [])].map((id) => ({ id, url: `/api/diary/photos/${id}`, size: 1, contentType: 'image/jpeg' })) })
  create.mockImplementation(async (body: CreateDiary) => {
    if (!entries.has(body.clientId)) entries.set(body.clientId, { id: `srv-${entries.size + 1}`, clientId: body.clientId, text: body.text, createdAt: new Date().toISOString() } as DiaryEntry)
    return full(entries.get(body.clientId)!)
  })
  addPhoto.mockImplementation(async (entryId, p) => {
    const s = photos.get(entryId) ?? new Set()
    s.add(p.clientId)
    photos.set(entryId, s)
    return full([...entries.values()].find((e) => e.id === entryId)!)
  })
  return { entries, photos }
}

describe('diary outbox store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    create.mockReset()
    addPhoto.mockReset()
  })
  afterEach(() => useDiaryOutboxStore().stop())

  it('submit keeps the entry and its photos, sends them, and hands the stored entry to the feed', async () => {
    const server = serverLike()
    const outbox = useDiaryOutboxStore()
    await outbox.start('user-1')
    const item = await outbox.submit({
      body: { kind: 'village', text: '屋顶漏水', occurredAt: '2026-11-20T08:00:00.000Z' },
      photos: [{ blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }), name: 'a.jpg', type: 'image/jpeg' }],
    })
    expect(item.clientId).toMatch(/^[0-9a-f]{32}$/)
    await vi.waitFor(() => expect(outbox.sent).toHaveLength(1))
    expect(server.entries.get(item.clientId)?.text).toBe('屋顶漏水')
    expect(addPhoto).toHaveBeenCalledWith('srv-1', expect.objectContaining({ name: 'a.jpg', clientId: item.photos[0].clientId }))
    expect(outbox.sent[0].photos).toHaveLength(1)
    await vi.waitFor(() => expect(outbox.pendingCount).toBe(0))
  })

  it('offline: the entry waits (待发送) and goes when the network is back', async () => {
    const server = serverLike()
    const realCreate = create.getMockImplementation()!
    create.mockImplementation(async () => {
      throw new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch')
    })
    const outbox = useDiaryOutboxStore()
    await outbox.start('user-2')
    await outbox.submit({ body: { kind: 'village', text: '离线写的' } })
    await vi.waitFor(() => expect(outbox.items[0]?.attempts).toBe(1))
    expect(outbox.pendingCount).toBe(1)
    expect(outbox.items[0].error?.code).toBe('NETWORK_ERROR')
    expect(server.entries.size).toBe(0)

    create.mockImplementation(realCreate)
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(outbox.pendingCount).toBe(0))
    expect(server.entries.size).toBe(1)
    expect(outbox.sent.map((e) => e.text)).toEqual(['离线写的'])
  })

  it('a refused entry stays with its error until retried or discarded; each user sees only their own', async () => {
    serverLike()
    create.mockRejectedValue(new ApiError(400, 'FUTURE_DATE', '日记时间不能晚于现在'))
    const outbox = useDiaryOutboxStore()
    await outbox.start('user-3')
    const item = await outbox.submit({ body: { kind: 'village', text: '时间不对', occurredAt: '2099-01-01T00:00:00.000Z' } })
    await vi.waitFor(() => expect(outbox.failedCount).toBe(1))
    expect(outbox.items[0].error).toMatchObject({ status: 400, code: 'FUTURE_DATE' })
    await outbox.retry(item.clientId)
    expect(create).toHaveBeenCalledTimes(2)
    expect(outbox.failedCount).toBe(1)

    await outbox.start('someone-else')
    expect(outbox.items).toEqual([])
    await outbox.start('user-3')
    expect(outbox.items).toHaveLength(1)
    await outbox.discard(item.clientId)
    expect(outbox.items).toEqual([])
  })
})
