/**
 * The diary outbox: entries written on the phone wait here (IndexedDB, so they survive a reload, a crash or
 * a dead battery) until the server has them. Plain IndexedDB, no wrapper library.
 *
 * Photos are kept as ArrayBuffers with their type, not as Blobs: older Safari cannot store Blobs in
 * IndexedDB, and an ArrayBuffer is cloned the same everywhere.
 */
import type { CreateDiary } from '@minqing/common'

const DB_NAME = 'minqing-diary'
const DB_VERSION = 1
const STORE = 'outbox'

export interface OutboxPhoto {
  /** The photo's own clientId: the server stores it once per entry however often it is sent. */
  clientId: string
  name: string
  type: string
  size: number
  data: ArrayBuffer
  /** The server has it (kept until the whole entry is through, so a crash mid-way resumes after it). */
  sent: boolean
}

export interface OutboxError {
  status: number
  code: string
  message: string
}

export interface OutboxItem {
  /** = body.clientId; the key. */
  clientId: string
  /** Whose entry (a phone may be shared: each user sees and sends only their own). */
  userId: string
  /** Exactly what is posted, every time (the server compares it to tell a resend from a reused id). */
  body: CreateDiary
  photos: OutboxPhoto[]
  /** What to show while it waits (the household's address, the enterprise's name). */
  label: { household?: string | null; enterprise?: string | null; authorName?: string | null; regionName?: string | null }
  createdAt: string
  /** The server's id once the entry itself is stored (photos may still be on their way). */
  entryId: string | null
  /** `failed`: the server refused it (a 4xx); it waits for the user (retry / discard), not for the timer. */
  state: 'pending' | 'failed'
  attempts: number
  /** Epoch ms before which the loop does not try again (backoff). */
  nextAttemptAt: number
  error: OutboxError | null
}

export interface OutboxStore {
  /** True when the items survive a reload (IndexedDB); false for the in-memory fallback. */
  readonly persistent: boolean
  all(userId?: string): Promise<OutboxItem[]>
  get(clientId: string): Promise<OutboxItem | undefined>
  put(item: OutboxItem): Promise<void>
  remove(clientId: string): Promise<void>
  close(): void
}

const byCreated = (a: OutboxItem, b: OutboxItem) => a.createdAt.localeCompare(b.createdAt) || a.clientId.localeCompare(b.clientId)

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}
/** Resolves when the transaction is committed (a write is only "done" then). */
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'))
    tx.onerror = () => reject(tx.error)
  })
}

function openDatabase(factory: IDBFactory, name = DB_NAME): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name, DB_VERSION)
    open.onupgradeneeded = () => {
      const db = open.result
      if (!db.objectStoreNames.contains(STORE)) {
        const store = db.createObjectStore(STORE, { keyPath: 'clientId' })
        store.createIndex('userId', 'userId', { unique: false })
      }
    }
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
    open.onblocked = () => reject(new Error('IndexedDB blocked'))
  })
}

class IdbOutbox implements OutboxStore {
  readonly persistent = true
  constructor(private db: IDBDatabase) {
    // Another tab upgrading the database: let it, we reopen on next use.
    db.onversionchange = () => db.close()
  }
  async all(userId?: string) {
    const tx = this.db.transaction(STORE, 'readonly')
    const store = tx.objectStore(STORE)
    const items = (await req(userId ? store.index('userId').getAll(userId) : store.getAll())) as OutboxItem[]
    return items.sort(byCreated)
  }
  async get(clientId: string) {
    const tx = this.db.transaction(STORE, 'readonly')
    return (await req(tx.objectStore(STORE).get(clientId))) as OutboxItem | undefined
  }
  async put(item: OutboxItem) {
    const tx = this.db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).put(item)
    await done(tx)
  }
  async remove(clientId: string) {
    const tx = this.db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).delete(clientId)
    await done(tx)
  }
  close() {
    this.db.close()
  }
}

/** Where IndexedDB is missing or refused (some private modes): the outbox lives as long as the page. */
export class MemoryOutbox implements OutboxStore {
  readonly persistent = false
  private items = new Map<string, OutboxItem>()
  async all(userId?: string) {
    return [...this.items.values()]
      .filter((i) => !userId || i.userId === userId)
      .map((i) => structuredClone(i))
      .sort(byCreated)
  }
  async get(clientId: string) {
    const i = this.items.get(clientId)
    return i && structuredClone(i)
  }
  async put(item: OutboxItem) {
    this.items.set(item.clientId, structuredClone(item))
  }
  async remove(clientId: string) {
    this.items.delete(clientId)
  }
  close() {}
}

/** The outbox in IndexedDB, or in memory when there is none. */
export async function openOutbox(factory: IDBFactory | undefined = globalThis.indexedDB, name = DB_NAME): Promise<OutboxStore> {
  if (!factory) return new MemoryOutbox()
  try {
    return new IdbOutbox(await openDatabase(factory, name))
  } catch {
    return new MemoryOutbox()
  }
}

/** A new outbox item for an entry just written. */
export function newOutboxItem(args: {
  userId: string
  body: CreateDiary
  photos?: { clientId: string; name: string; type: string; data: ArrayBuffer }[]
  label?: OutboxItem['label']
  now?: Date
}): OutboxItem {
  return {
    clientId: args.body.clientId,
    userId: args.userId,
    body: args.body,
    photos: (args.photos ?? []).map((p) => ({ ...p, size: p.data.byteLength, sent: false })),
    label: args.label ?? {},
    createdAt: (args.now ?? new Date()).toISOString(),
    entryId: null,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    error: null,
  }
}
