import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Notification } from '@minqing/common'
import { notificationsApi } from '../api/cases.ts'
import { createFeed, type Feed, type FeedStatus } from '../lib/cases/sse.ts'
import { markedRead, mergeNotifications } from '../lib/cases/notifications.ts'

type Listener = (n: Notification) => void

/**
 * The signed-in user's notifications: the latest ones and the unread count, kept live by the SSE stream
 * (`/api/notifications/stream`) with a poll every 60 s while the stream is down. Components `start()` it
 * while they show the bell and `stop()` when they go (counted: the feed runs while anyone needs it).
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<Notification[]>([])
  /** Unread ids beyond the latest page too (the count stays right with many unread). */
  const unreadIds = ref<Set<string>>(new Set())
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<unknown>(null)
  const status = ref<FeedStatus>('idle')
  const feed = shallowRef<Feed | null>(null)
  const listeners = new Set<Listener>()
  let users = 0

  const unreadCount = computed(() => unreadIds.value.size)

  function absorb(incoming: Notification[], announce: boolean) {
    const { items: merged, fresh } = mergeNotifications(items.value, incoming)
    items.value = merged
    const next = new Set(unreadIds.value)
    for (const n of incoming) {
      if (n.readAt) next.delete(n.id)
      else next.add(n.id)
    }
    unreadIds.value = next
    if (announce) for (const n of fresh) if (!n.readAt) for (const l of listeners) l(n)
  }

  async function fetchLatest(): Promise<Notification[]> {
    const [latest, unread] = await Promise.all([notificationsApi.list({ limit: 30 }), notificationsApi.list({ unread: true, limit: 200 })])
    // The unread list is the truth about what is unread: drop ids read elsewhere.
    const unreadSet = new Set(unread.map((n) => n.id))
    unreadIds.value = new Set([...unreadIds.value].filter((id) => unreadSet.has(id)))
    return [...latest, ...unread.filter((n) => !latest.some((l) => l.id === n.id))]
  }

  async function load() {
    loading.value = true
    error.value = null
    try {
      absorb(await fetchLatest(), loaded.value)
      loaded.value = true
    } catch (err) {
      error.value = err
    } finally {
      loading.value = false
    }
  }

  function start() {
    users++
    if (feed.value) return
    // A fresh start (maybe another user signed in since): nothing of before.
    items.value = []
    unreadIds.value = new Set()
    loaded.value = false
    void load()
    feed.value = createFeed<Notification>({
      url: notificationsApi.streamUrl,
      fetchLatest,
      onItem: (n) => absorb([n], true),
      onList: (list) => absorb(list, loaded.value),
      onStatus: (s) => (status.value = s),
    })
    feed.value.start()
  }

  function stop() {
    users = Math.max(0, users - 1)
    if (users > 0) return
    feed.value?.stop()
    feed.value = null
  }

  async function markRead(ids: string[]) {
    if (!ids.length) return
    await notificationsApi.markRead(ids)
    items.value = markedRead(items.value, ids, new Date().toISOString())
    const next = new Set(unreadIds.value)
    for (const id of ids) next.delete(id)
    unreadIds.value = next
  }

  async function markAllRead() {
    await notificationsApi.markAllRead()
    items.value = markedRead(items.value, 'all', new Date().toISOString())
    unreadIds.value = new Set()
  }

  /** Called for every new unread notification (not for the first load). Returns an unsubscribe function. */
  function onNew(listener: Listener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  /** Forget everything (sign-out). */
  function reset() {
    feed.value?.stop()
    feed.value = null
    users = 0
    items.value = []
    unreadIds.value = new Set()
    loaded.value = false
    status.value = 'idle'
  }

  return { items, unreadCount, unreadIds, loaded, loading, error, status, start, stop, load, markRead, markAllRead, onNew, reset }
})
