// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Notification } from '@minqing/common'
import { useNotificationsStore } from './notifications.ts'

const n = (id: string, readAt: string | null = null): Notification => ({
  id,
  kind: 'case.dispatch',
  title: `新交办事项 ${id}`,
  body: '村口路灯不亮',
  caseId: `case-${id}`,
  readAt,
  createdAt: `2026-10-09T02:0${id.length}:00.000Z`,
})
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })

/** The one stream the store opens. */
let source: { onopen: (() => void) | null; onerror: (() => void) | null; emit: (data: unknown) => void; close: () => void; readyState: number } | null = null
class FakeEventSource {
  readyState = 0
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  private listener: ((ev: MessageEvent) => void) | null = null
  constructor(public url: string) {
    source = this as never
  }
  addEventListener(_type: string, l: (ev: MessageEvent) => void) {
    this.listener = l
  }
  emit(data: unknown) {
    this.listener?.(new MessageEvent('notification', { data: JSON.stringify(data) }))
  }
  close() {
    this.readyState = 2
  }
}

describe('notifications store', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    vi.stubGlobal('EventSource', FakeEventSource)
    source = null
  })
  afterEach(() => vi.unstubAllGlobals())

  function answer(latest: Notification[], unread: Notification[]) {
    fetchMock.mockImplementation(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') return json({ updated: 1 })
      return json(url.includes('unread=true') ? unread : latest)
    })
  }

  it('loads the latest and the unread count, then takes pushed ones live (announcing them)', async () => {
    answer([n('a', 'read-before'), n('bb')], [n('bb'), n('ccc')])
    const store = useNotificationsStore()
    const announced: string[] = []
    store.onNew((x) => announced.push(x.id))
    store.start()
    await vi.waitFor(() => expect(store.loaded).toBe(true))
    expect(store.unreadCount).toBe(2)
    expect(store.items.map((x) => x.id).sort()).toEqual(['a', 'bb', 'ccc'])
    expect(announced).toEqual([]) // the first load is not news
    expect(source).not.toBeNull()
    source!.onopen?.()
    expect(store.status).toBe('live')
    source!.emit(n('dddd'))
    expect(store.unreadCount).toBe(3)
    expect(store.items[0].id).toBe('dddd')
    expect(announced).toEqual(['dddd'])
    // the same one again (a poll after a reconnect) is not announced twice
    source!.emit(n('dddd'))
    expect(announced).toEqual(['dddd'])
    store.stop()
  })

  it('marks read (some, then all) on the server and locally', async () => {
    answer([n('a'), n('bb')], [n('a'), n('bb')])
    const store = useNotificationsStore()
    store.start()
    await vi.waitFor(() => expect(store.unreadCount).toBe(2))
    await store.markRead(['a'])
    expect(store.unreadCount).toBe(1)
    expect(store.items.find((x) => x.id === 'a')!.readAt).not.toBeNull()
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST')!
    expect(post[0]).toBe('/api/notifications/read')
    expect(JSON.parse(String(post[1].body))).toEqual({ ids: ['a'] })
    await store.markAllRead()
    expect(store.unreadCount).toBe(0)
    expect(JSON.parse(String(fetchMock.mock.calls.at(-1)![1].body))).toEqual({ all: true })
    store.stop()
  })

  it('runs the feed while anyone needs it', async () => {
    answer([], [])
    const store = useNotificationsStore()
    store.start()
    store.start()
    const first = source
    store.stop()
    expect(first!.readyState).not.toBe(2)
    store.stop()
    expect(first!.readyState).toBe(2)
  })
})
