import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { can, type CreateDiary, type DiaryEntry } from '@minqing/common'
import { diaryApi } from '../api/diary.ts'
import { newClientId } from '../lib/diary/clientId.ts'
import { mergeEntries } from '../lib/diary/format.ts'
import { newOutboxItem, openOutbox, type OutboxItem, type OutboxStore } from '../lib/diary/outbox.ts'
import { nextDueAt, resetForRetry, syncOutbox, SyncLoop, type SyncResult, type SyncTransport } from '../lib/diary/sync.ts'
import { useAuthStore } from './auth.ts'

const transport: SyncTransport = { createEntry: diaryApi.create, addPhoto: diaryApi.addPhoto }
const LOCK = 'minqing-diary-sync'

type Locks = { request: <T>(name: string, cb: () => Promise<T>) => Promise<T> }
const locks = (): Locks | undefined => (typeof navigator !== 'undefined' ? (navigator as unknown as { locks?: Locks }).locks : undefined)

export interface OutboxPhotoInput {
  blob: Blob
  name: string
  type: string
}

/**
 * The phone's diary outbox (IndexedDB) and the loop that sends it: what is waiting (`items`), what went
 * through in this session (`sent`, for the feed to show at once), and `submit` / `retry` / `discard`.
 */
export const useDiaryOutboxStore = defineStore('diaryOutbox', () => {
  const items = ref<OutboxItem[]>([])
  const sent = ref<DiaryEntry[]>([])
  const syncing = ref(false)
  const persistent = ref(true)
  const userId = ref<string | null>(null)
  const store = shallowRef<OutboxStore | null>(null)
  let opening: Promise<OutboxStore> | null = null
  let loop: SyncLoop | null = null

  const pendingCount = computed(() => items.value.length)
  const failedCount = computed(() => items.value.filter((i) => i.state === 'failed').length)

  async function open(): Promise<OutboxStore> {
    if (store.value) return store.value
    opening ??= openOutbox().then((s) => {
      store.value = s
      persistent.value = s.persistent
      return s
    })
    return opening
  }

  async function refresh() {
    const s = store.value
    items.value = s && userId.value ? await s.all(userId.value) : []
  }

  async function run(force: boolean): Promise<SyncResult> {
    const s = await open()
    const uid = userId.value
    if (!uid) return { sent: [], refused: [], waiting: 0, stoppedBy: null }
    syncing.value = true
    try {
      const pass = () =>
        syncOutbox(s, transport, uid, {
          force,
          onProgress: () => void refresh(),
          onSent: (entry) => {
            sent.value = mergeEntries(sent.value, [entry])
          },
        })
      // Two tabs of the app: one pass at a time (the server would store one copy anyway).
      const l = locks()
      return l ? await l.request(LOCK, pass) : await pass()
    } finally {
      syncing.value = false
      await refresh()
    }
  }

  /** Start (or switch to) sending the outbox of this user. */
  async function start(uid: string) {
    const s = await open()
    if (userId.value === uid && loop) {
      void loop.kick(false)
      return
    }
    stop()
    userId.value = uid
    sent.value = []
    await refresh()
    loop = new SyncLoop({
      run,
      nextDue: async () => nextDueAt(await s.all(uid)),
      window: typeof window !== 'undefined' ? window : undefined,
      document: typeof document !== 'undefined' ? document : undefined,
      onError: (err) => console.warn('diary outbox:', err),
    })
    void loop.start()
  }

  function stop() {
    loop?.stop()
    loop = null
    userId.value = null
    items.value = []
  }

  /** Keep a written entry (and its photos) in the outbox, then try to send it at once. */
  async function submit(args: { body: Omit<CreateDiary, 'clientId'> & { clientId?: string }; photos?: OutboxPhotoInput[]; label?: OutboxItem['label'] }): Promise<OutboxItem> {
    const s = await open()
    const uid = userId.value ?? useAuthStore().user?.id
    if (!uid) throw new Error('not signed in')
    if (userId.value !== uid) await start(uid)
    const body = { ...args.body, clientId: args.body.clientId ?? newClientId() } as CreateDiary
    const photos = await Promise.all((args.photos ?? []).map(async (p) => ({ clientId: newClientId(), name: p.name, type: p.type, data: await p.blob.arrayBuffer() })))
    const item = newOutboxItem({ userId: uid, body, photos, label: args.label })
    await s.put(item)
    await refresh()
    void loop?.kick(true)
    return item
  }

  /** Send now (ignoring the backoff). */
  function syncNow() {
    return loop?.kick(true) ?? Promise.resolve()
  }

  async function retry(clientId: string) {
    const s = await open()
    const item = await s.get(clientId)
    if (!item) return
    await s.put(resetForRetry(item))
    await refresh()
    await syncNow()
  }

  async function discard(clientId: string) {
    const s = await open()
    await s.remove(clientId)
    await refresh()
  }

  return { items, sent, syncing, persistent, userId, pendingCount, failedCount, start, stop, submit, syncNow, retry, discard, refresh }
})

/**
 * Keeps the outbox loop running for whoever is signed in (and may write a diary): at app start, after a
 * login, and stopped on logout. Called once by the mobile layout.
 */
export function useDiaryOutboxSync() {
  const auth = useAuthStore()
  const outbox = useDiaryOutboxStore()
  watch(
    () => (auth.user && can(auth.user.roles, 'diary.write') ? auth.user.id : null),
    (id) => {
      if (id) void outbox.start(id)
      else outbox.stop()
    },
    { immediate: true },
  )
  return outbox
}
