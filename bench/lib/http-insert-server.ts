// Baseline for the intake benchmark: the least an HTTP API can do per report — parse a JSON body, insert one
// row over a pool of DATABASE_POOL_SIZE connections, answer JSON — on the same Node, Fastify and pg as the product.
// Started by bench/cases.bench.ts as its own process, like the real server.
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 20) })
await pool.query('create table if not exists http_baseline (id bigserial primary key, region_code text, title text, description text, created_at timestamptz default now())')
const app = Fastify({ logger: false })
app.post<{ Body: { regionCode: string; title: string; description: string } }>('/insert', async (req, reply) => {
  const r = await pool.query('insert into http_baseline (region_code, title, description) values ($1, $2, $3) returning id', [req.body.regionCode, req.body.title, req.body.description])
  return reply.status(201).send({ id: r.rows[0].id })
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
)
