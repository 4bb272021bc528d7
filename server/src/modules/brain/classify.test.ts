import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { byTopLevel, evaluate, features, loadCorpus, NaiveBayes, splitCorpus, TEMPERATURE } from './classifier.ts'
import { emergencySignals } from './triage.ts'

describe('classifier on text it has never seen', () => {
  it('top-1 accuracy on the held-out fifth of the corpus stays at or above 80 % (sub-category)', () => {
    const corpus = loadCorpus()
    const { train, test } = splitCorpus(corpus)
    const model = new NaiveBayes()
    for (const e of train) model.add(e.code, features(e.text))
    const r = evaluate(model, test)
    console.log(`classifier held-out: ${r.n} texts, sub-category top-1 ${(r.subAccuracy * 100).toFixed(1)} %, top-level top-1 ${(r.topAccuracy * 100).toFixed(1)} %`)
    expect(test.length).toBeGreaterThan(150)
    expect(r.subAccuracy).toBeGreaterThanOrEqual(0.8)
    expect(r.topAccuracy).toBeGreaterThanOrEqual(r.subAccuracy)
  })

  it('scores are calibrated: the temperature is the held-out log-loss optimum, and a 0.95 score is right ≥ 95 % of the time', () => {
    const { train, test } = splitCorpus(loadCorpus())
    const model = new NaiveBayes(1)
    for (const e of train) model.add(e.code, features(e.text))
    const feats = test.map((e) => features(e.text))
    const logLoss = (T: number) => {
      model.temperature = T
      return test.reduce((s, e, i) => s - Math.log(Math.max(1e-9, model.posterior(feats[i]).find((x) => x.code === e.code)?.score ?? 0)), 0)
    }
    let best = 1
    for (let T = 1; T <= 10; T += 0.5) if (logLoss(T) < logLoss(best)) best = T
    // TEMPERATURE is that optimum (refit it when the corpus changes): raw Naive Bayes (T = 1) is far worse.
    expect(Math.abs(best - TEMPERATURE)).toBeLessThanOrEqual(0.5)
    expect(logLoss(TEMPERATURE)).toBeLessThan(logLoss(1) * 0.8)
    model.temperature = TEMPERATURE
    const sure = test.map((e, i) => ({ e, top: model.posterior(feats[i])[0] })).filter((x) => x.top.score >= 0.95)
    console.log(`classifier calibration: T=${TEMPERATURE}, ${sure.length}/${test.length} held-out texts ≥ 0.95, ${sure.filter((x) => x.top.code === x.e.code).length} right`)
    expect(sure.length).toBeGreaterThan(test.length * 0.25)
    expect(sure.filter((x) => x.top.code === x.e.code).length / sure.length).toBeGreaterThanOrEqual(0.95)
  })

  it('the corpus covers all 13 top-level categories with at least 15 lines each, and every default sub-category', () => {
    const counts = new Map<string, number>()
    for (const e of loadCorpus()) counts.set(e.code.split('.')[0], (counts.get(e.code.split('.')[0]) ?? 0) + 1)
    expect(counts.size).toBe(13)
    for (const [, n] of counts) expect(n).toBeGreaterThanOrEqual(15)
    expect(new Set(loadCorpus().map((e) => e.code)).size).toBe(32)
  })

  it('aggregates sub-categories to their top level', () => {
    expect(
      byTopLevel([
        { code: 'a.x', score: 0.3 },
        { code: 'b.y', score: 0.4 },
        { code: 'a.z', score: 0.3 },
      ]),
    ).toEqual([
      { code: 'a', score: 0.6 },
      { code: 'b', score: 0.4 },
    ])
  })
})

describe('emergency signals', () => {
  const winter = new Date('2026-12-07T02:00:00Z')
  const summer = new Date('2026-07-07T02:00:00Z')
  it('finds fire, gas, drowning, the old or a child alone; not after a negation, not a mere hazard', () => {
    expect(emergencySignals('家里煤气泄漏了闻到很大味道', summer)).toEqual(['燃气泄漏'])
    expect(emergencySignals('楼下饭店着火了,烟很大', summer)).toEqual(['火情'])
    expect(emergencySignals('有个小孩掉到河里了', summer)).toEqual(['溺水'])
    expect(emergencySignals('独居老人王大爷好几天没出门,电话联系不上', summer)).toEqual(['独居老人'])
    expect(emergencySignals('孩子一个人在家哭了一下午', summer)).toEqual(['孩子独自'])
    expect(emergencySignals('没有着火,只是冒了点烟', summer)).toEqual([])
    expect(emergencySignals('楼道堆满杂物,有火灾隐患', summer)).toEqual([])
    expect(emergencySignals('燃气费比去年贵', summer)).toEqual([])
  })
  it('counts a cut of power or water only in winter (November–March)', () => {
    expect(emergencySignals('村里停电两天了', winter)).toEqual(['断电断水'])
    expect(emergencySignals('村里停电两天了', summer)).toEqual([])
  })
})

describe('classification, learning, triage and 一键推送 over HTTP', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let cadre: MadeUser
  let town: MadeUser
  let townLeader: MadeUser
  let countyLeader: MadeUser
  let otherTownLeader: MadeUser
  let volunteer: MadeUser
  let village: MadeUser
  let unitId: string
  const YAHUANG = '330683105212'

  beforeAll(async () => {
    t = await createTestApp({ BRAIN_CLASSIFY_LIMIT_IP: '3/60' })
    await makeRegion(t.db, '330683106220')
    const office = await makeUnit(t.db, '330683105', { name: '石璜镇人民政府', kind: 'town_office' })
    unitId = (await makeUnit(t.db, '330683105', { name: '石璜镇综合执法中队', kind: 'town_office' })).id
    cadre = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: YAHUANG, unitId: office.id })
    town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId: office.id })
    townLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683105', name: '镇领导' })
    countyLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683', name: '值班领导' })
    otherTownLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683106', name: '外镇领导' })
    volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: YAHUANG })
    village = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  })
  afterAll(() => t.close())

  const classify = (who: MadeUser, text: string) => t.app.inject({ method: 'POST', url: '/api/brain/classify', headers: who.auth, payload: { text } })
  const raise = async (payload: object) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/cases', headers: cadre.auth, payload: { regionCode: YAHUANG, ...payload } })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: string }
  }
  const get = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/cases/${id}`, headers: town.auth })).json()
  async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
    const end = Date.now() + ms
    for (;;) {
      const v = await fn()
      if (ok(v) || Date.now() > end) return v
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  it('answers the top 3 with names and scores, best first; 400 on empty text, 401 without a session', async () => {
    const res = await classify(cadre, '村口的路灯坏了好几天,晚上黑漆漆的')
    expect(res.statusCode).toBe(200)
    const { suggestions } = res.json()
    expect(suggestions).toHaveLength(3)
    expect(suggestions[0]).toMatchObject({ categoryCode: 'traffic.streetlight', name: '路灯故障' })
    expect(suggestions[0].score).toBeGreaterThanOrEqual(suggestions[1].score)
    const top = await t.app.inject({ method: 'POST', url: '/api/brain/classify', headers: cadre.auth, payload: { text: '村口的路灯坏了好几天', level: 'top' } })
    expect(top.json().suggestions[0].categoryCode).toBe('traffic')
    expect((await classify(cadre, '')).statusCode).toBe(400)
    expect((await t.app.inject({ method: 'POST', url: '/api/brain/classify', payload: { text: '路灯' } })).statusCode).toBe(401)
    // Volunteers report (随手报) and get suggestions too.
    expect((await classify(volunteer, '楼道里电动车充电')).statusCode).toBe(200)
  })

  it('the public variant is limited per address (429 with Retry-After)', async () => {
    const hit = () => t.app.inject({ method: 'POST', url: '/api/public/classify', remoteAddress: '10.9.8.7', payload: { text: '垃圾好几天没人清运了' } })
    for (let i = 0; i < 3; i++) expect((await hit()).statusCode).toBe(200)
    const refused = await hit()
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('RATE_LIMITED')
    expect(refused.headers['retry-after']).toBeDefined()
  })

  it('a dispatcher’s correction changes the next suggestion for the same text, without a restart', async () => {
    const text = '老王家门前那条水沟的事情一直没人管'
    const before = (await classify(town, text)).json().suggestions[0].categoryCode
    const target = before === 'dispute.neighbor' ? 'agriculture.irrigation' : 'dispute.neighbor'
    const c = await raise({ categoryCode: before, title: '水沟的事', description: text })
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${c.id}/actions/dispatch`, headers: town.auth, payload: { unitId, categoryCode: target } })
    expect(res.statusCode, res.body).toBe(200)
    expect((await get(c.id)).category?.code ?? (await get(c.id)).categoryCode).toBe(target)
    const after = await until(
      async () => (await classify(town, text)).json().suggestions[0].categoryCode,
      (code) => code === target,
    )
    expect(after).toBe(target)
    const unknown = await raise({ title: 'x', description: '路灯' })
    const bad = await t.app.inject({ method: 'POST', url: `/api/cases/${unknown.id}/actions/dispatch`, headers: town.auth, payload: { unitId, categoryCode: 'nope' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('UNKNOWN_CATEGORY')
  })

  it('at intake a case without a category gets a confident suggestion applied, and the timeline says so', async () => {
    const c = await raise({ title: '路灯不亮', description: '村口到主路一段路灯全坏了,晚上一片漆黑,希望尽快维修路灯' })
    const detail = await until(
      () => get(c.id),
      (d) => !!(d.category?.code ?? d.categoryCode),
    )
    expect(detail.category?.code ?? detail.categoryCode).toBe('traffic.streetlight')
    const triage = detail.events.find((e: { action: string }) => e.action === 'triage')
    expect(triage.note).toContain('智能分类')
  })

  it('"家里煤气泄漏了闻到很大味道" is emergency within 3 s and pushed to the town leader and the duty officer', async () => {
    const c = await raise({ title: '煤气泄漏', description: '家里煤气泄漏了闻到很大味道' })
    const detail = await until(
      () => get(c.id),
      (d) => d.urgency === 'emergency',
    )
    expect(detail.urgency).toBe('emergency')
    const push = detail.events.find((e: { action: string }) => e.action === 'push')
    expect(push).toBeDefined()
    const told = await t.db.selectFrom('notifications').select('user_id').where('case_id', '=', c.id).where('kind', '=', 'case.push').execute()
    expect(told.map((n) => n.user_id).sort()).toEqual([townLeader.id, countyLeader.id].sort())
    // A human's emergency is never lowered, and a normal text stays as the human set it.
    const calm = await raise({ title: '咨询', description: '请问居住证怎么办理', urgency: 'urgent', categoryCode: 'other.consult' })
    await new Promise((r) => setTimeout(r, 300))
    expect((await get(calm.id)).urgency).toBe('urgent')
  })

  it('一键推送: a leader pushes once (409 ALREADY_PUSHED within the cool-down); 403 without cases.push; 404 out of area; 400 bad id', async () => {
    const c = await raise({ title: '道路破损', description: '进村的路面坑洼很多', categoryCode: 'traffic.road' })
    const push = (who: MadeUser, id = c.id) => t.app.inject({ method: 'POST', url: `/api/cases/${id}/push`, headers: who.auth, payload: { note: '请关注' } })
    const first = await push(countyLeader)
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json().pushedTo.map((p: { userId: string }) => p.userId)).toEqual([townLeader.id])
    const again = await push(countyLeader)
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('ALREADY_PUSHED')
    expect((await push(village)).statusCode).toBe(403)
    expect((await push(volunteer)).statusCode).toBe(403)
    expect((await push(otherTownLeader)).statusCode).toBe(404)
    expect((await push(countyLeader, 'not-a-uuid')).statusCode).toBe(400)
    expect((await push(countyLeader, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    const events = (await get(c.id)).events.filter((e: { action: string }) => e.action === 'push')
    expect(events).toHaveLength(1)
  })
})
