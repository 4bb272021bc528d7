import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'

// The live push: a browser keeps GET /api/notifications/stream open and sees a case dispatched to its unit.
let t: Awaited<ReturnType<typeof createTestApp>>
let base: string
let reporter: MadeUser
let town: MadeUser
let member: MadeUser
let unitId: string

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, '330683105212')
  unitId = (await makeUnit(t.db, '330683105', { kind: 'town_office' })).id
  reporter = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: '330683105212' })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  member = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(() => t.close())

describe('notification stream (SSE)', () => {
  it('pushes a notification to the member of the unit a case is dispatched to, and to no one else', async () => {
    const open = (who: MadeUser, ac: AbortController) => fetch(`${base}/api/notifications/stream`, { headers: who.auth, signal: ac.signal })
    const mine = new AbortController()
    const theirs = new AbortController()
    const res = await open(member, mine)
    const other = await open(reporter, theirs)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body!.getReader()
    const otherReader = other.body!.getReader()
    const created = await t.app.inject({ method: 'POST', url: '/api/cases', headers: reporter.auth, payload: { regionCode: '330683105212', title: '推送测试', description: 'x' } })
    await t.app.inject({ method: 'POST', url: `/api/cases/${created.json().id}/actions/dispatch`, headers: town.auth, payload: { unitId } })
    let text = ''
    const deadline = Date.now() + 5000
    while (!text.includes('"kind":"case.dispatch"') && Date.now() < deadline) {
      const { value } = await Promise.race([reader.read(), new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 200))])
      if (value) text += new TextDecoder().decode(value)
    }
    const events = text
      .split('\n\n')
      .filter((chunk) => chunk.startsWith('event: notification'))
      .map((chunk) => JSON.parse(chunk.split('data: ')[1]))
    expect(events).toContainEqual(expect.objectContaining({ kind: 'case.dispatch', caseId: created.json().id }))
    // the reporter's stream got the retry line only: no dispatch notice is theirs
    const { value } = await Promise.race([otherReader.read(), new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 300))])
    expect(new TextDecoder().decode(value ?? new Uint8Array())).not.toContain('case.dispatch')
    mine.abort()
    theirs.abort()
  })

  it('refuses an anonymous stream', async () => {
    const res = await fetch(`${base}/api/notifications/stream`)
    expect(res.status).toBe(401)
  })
})
