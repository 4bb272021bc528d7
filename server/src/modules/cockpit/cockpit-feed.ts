import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { BusEvent, EventBus } from '../../platform/events.ts'
import { casePaths } from './cockpit.repository.ts'

/** A connected cockpit: the subtree it shows, and how to tell it. */
interface Watcher {
  regionPath: string
  changed(): void
  /** Ends the stream (the server is shutting down). */
  end(): void
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Tells the open cockpits of a region that its numbers changed. One per server process: it hears every `case.*`
 * event (and, with Redis, those of the other processes), gathers a burst for `debounceMs`, looks up the cases'
 * region paths once for the burst, and calls each watcher whose subtree holds one of them — once per burst, so a
 * bulk import does not make every wall screen refetch a thousand times.
 *
 * `stats.folded` (the statistics folder's "rollups caught up", payload `{ regionPaths?: string[] }`) is heard too,
 * so a page that refetched before the fold is told again after it.
 */
export class CockpitFeed {
  private watchers = new Set<Watcher>()
  private ids = new Set<string>()
  private paths = new Set<string>()
  private everyone = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> = Promise.resolve()
  private offs: Array<() => void>

  constructor(
    private db: Kysely<DB>,
    bus: EventBus,
    private onError: (err: unknown) => void,
    private debounceMs = 300,
  ) {
    this.offs = [bus.subscribe('case.*', (e) => this.onCaseEvent(e)), bus.subscribe('stats.folded', (e) => this.onFolded(e))]
  }

  /** Starts telling `changed` for cases under `regionPath`; returns the function that stops it. */
  watch(regionPath: string, changed: () => void, end: () => void): () => void {
    const w = { regionPath, changed, end }
    this.watchers.add(w)
    return () => void this.watchers.delete(w)
  }

  get size() {
    return this.watchers.size
  }

  close() {
    clearTimeout(this.timer)
    this.timer = undefined
    for (const off of this.offs) off()
    // Open streams would keep the HTTP server from closing: end them (browsers reconnect to another process).
    for (const w of [...this.watchers]) w.end()
    this.watchers.clear()
  }

  private onCaseEvent(event: BusEvent) {
    if (this.watchers.size === 0) return
    const p = (event.payload ?? {}) as { id?: unknown; regionPath?: unknown }
    if (typeof p.regionPath === 'string') this.paths.add(p.regionPath)
    else if (typeof p.id === 'string' && UUID.test(p.id)) this.ids.add(p.id)
    else return
    this.schedule()
  }

  private onFolded(event: BusEvent) {
    if (this.watchers.size === 0) return
    const p = (event.payload ?? {}) as { regionPaths?: unknown }
    if (Array.isArray(p.regionPaths) && p.regionPaths.length > 0) for (const path of p.regionPaths) typeof path === 'string' && this.paths.add(path)
    else this.everyone = true
    this.schedule()
  }

  /** The first event of a burst starts the clock; later ones ride along (a steady stream still flushes every debounceMs). */
  private schedule() {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flushing = this.flushing.then(() => this.flush()).catch((err) => this.onError(err))
    }, this.debounceMs)
  }

  private async flush() {
    const ids = [...this.ids]
    const paths = new Set(this.paths)
    const everyone = this.everyone
    this.ids.clear()
    this.paths.clear()
    this.everyone = false
    if (this.watchers.size === 0) return
    if (ids.length) for (const path of await casePaths(this.db, ids)) paths.add(path)
    for (const w of [...this.watchers]) {
      if (everyone || [...paths].some((p) => p.startsWith(w.regionPath))) w.changed()
    }
  }
}
