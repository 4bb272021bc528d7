// Baseline for the task-claim benchmark: the least an HTTP API can do per 抢单 — one conditional UPDATE of the
// task row (the same statement as tasks.repository's takeSlot, no auth, no claim row), 201 or 409 task_full — on
// the same Node, Fastify and database driver as the product. PostgreSQL through a pg pool of DATABASE_POOL_SIZE
// when DATABASE_URL is set, else PGlite in PGLITE_DIR. Started by bench/tasks.bench.ts as its own process.
import { PGlite } from '@electric-sql/pglite'
import Fastify from 'fastify'
import pg from 'pg'

const TAKE = `update tasks set claimed = claimed + 1, state = case when claimed + 1 >= slots then 'full' else state end, updated_at = now()
  where id = $1 and claimed < slots and state = 'open' returning slots, claimed`

let query: (id: string) => Promise<{ slots: number; claimed: number }[]>
let close: () => Promise<void>
if (process.env.DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 20) })
  // Prepared by name, as the product's hot queries are (db/prepared.ts).
  query = async (id) => (await pool.query({ name: 'take', text: TAKE, values: [id] })).rows
  close = () => pool.end()
} else {
  const lite = new PGlite(process.env.PGLITE_DIR, { postgresqlconf: [`shared_buffers = ${process.env.PGLITE_SHARED_BUFFERS || '32MB'}`] })
  await lite.waitReady
  query = async (id) => (await lite.query<{ slots: number; claimed: number }>(TAKE, [id])).rows
  close = () => lite.close()
}

const app = Fastify({ logger: false })
app.post<{ Params: { id: string } }>('/claim/:id', async (req, reply) => {
  const rows = await query(req.params.id)
  if (rows.length === 0) return reply.status(409).send({ error: { code: 'task_full', message: '名额已满', details: null } })
  return reply.status(201).send({ taskId: req.params.id, remaining: rows[0]!.slots - rows[0]!.claimed })
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1', backlog: 4096 }) // as the product's server (main.ts)
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(close)
      .then(() => process.exit(0)),
)
