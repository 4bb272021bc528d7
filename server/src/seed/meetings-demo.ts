import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'

const SHIHUANG = '330683105' // 石璜镇
const CHANGNING = '330683003006' // 长宁社区

/**
 * Meetings and a pact of the demo (issue 16), once: 石璜镇's 民情分析会 of the last two weeks (the earlier one with
 * decisions owned by 石璜镇人民政府 and a county bureau, waiting to be handed out as cases or tasks; the later one
 * shows them as the previous meeting's open decisions), and 长宁社区's pact with 国网嵊州市供电公司, signed, published
 * and in fulfilment with two log entries. Decisions become cases only through the case engine (on screen), never here.
 */
export async function seedMeetingsDemo(db: Kysely<DB>, now = new Date()) {
  if ((await sql<{ n: number }>`select count(*)::int as n from meetings`.execute(db)).rows[0]!.n > 0) return { meetings: 0 }
  const one = async <T>(q: Promise<{ rows: T[] }>) => (await q).rows[0]
  const region = (code: string) => one(sql<{ id: number }>`select id from regions where code = ${code}`.execute(db))
  const user = (phone: string) => one(sql<{ id: string }>`select id from users where phone = ${phone}`.execute(db))
  const unit = (name: string) => one(sql<{ id: string }>`select id from units where name = ${name}`.execute(db))
  const shihuang = await region(SHIHUANG)
  const changning = await region(CHANGNING)
  const handler = await user('13800000002')
  const leader = await user('13800000001')
  const townGov = await unit('石璜镇人民政府')
  const roads = await unit('嵊州市交通运输局')
  const power = await unit('国网嵊州市供电公司')
  if (!shihuang || !changning || !handler || !leader || !townGov || !roads || !power) return { meetings: 0 }
  const day = (offset: number) => new Date(now.getTime() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10)
  // Mondays of the last two weeks (Asia/Shanghai) and the ISO weeks they reviewed.
  const dow = (new Date(`${day(0)}T00:00:00Z`).getUTCDay() + 6) % 7
  const mondays = [day(-dow - 14), day(-dow - 7)]
  const isoWeek = (ymd: string) => {
    const t = Date.parse(`${ymd}T00:00:00Z`)
    const thursday = t + (3 - ((new Date(t).getUTCDay() + 6) % 7)) * 86_400_000
    const year = new Date(thursday).getUTCFullYear()
    const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1
    return `${year}-W${String(week).padStart(2, '0')}`
  }
  const meeting = async (heldOn: string, title: string, minutes: string) =>
    (
      await sql<{ id: string }>`insert into meetings (kind, region_id, held_on, title, place, report_region_code, report_week, minutes, guests, created_by)
        values ('analysis', ${shihuang.id}, ${heldOn}, ${title}, '石璜镇人民政府三楼会议室', ${SHIHUANG}, ${isoWeek(new Date(Date.parse(`${heldOn}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10))},
          ${minutes}, ${['县交通运输局 陈科长', '雅璜村 村民代表']}, ${handler.id}) returning id`.execute(db)
    ).rows[0]!.id
  const m1 = await meeting(
    mondays[0]!,
    '石璜镇民情分析会(第一次)',
    '通报上周民情:新增事项以道路交通、环境卫生为主。\n议定:一、雅璜村村口路面破损由镇政府牵头修复;二、王院村段路灯缺失报县交通运输局;三、组织志愿者清理溪滩垃圾。',
  )
  const m2 = await meeting(mondays[1]!, '石璜镇民情分析会(第二次)', '回顾上次会议决定的办理进展,研判本周新增民情。')
  for (const m of [m1, m2]) await sql`insert into meeting_attendees (meeting_id, user_id) values (${m}, ${handler.id}), (${m}, ${leader.id})`.execute(db)
  const decisions = [
    { content: '雅璜村村口路面破损,镇政府牵头组织修复', unit: townGov.id, owner: '', due: day(7) },
    { content: '王院村段县道路灯缺失,报县交通运输局安装', unit: roads.id, owner: '', due: day(14) },
    { content: '组织青年志愿者清理溪滩垃圾', unit: null, owner: '镇团委', due: day(5) },
  ]
  let seq = 0
  for (const d of decisions)
    await sql`insert into meeting_decisions (meeting_id, seq, content, owner_unit_id, owner_name, due_date, created_by)
      values (${m1}, ${++seq}, ${d.content}, ${d.unit}, ${d.owner}, ${d.due}, ${handler.id})`.execute(db)

  const pact = (
    await sql<{ id: string }>`insert into pacts (title, partner_unit_id, region_id, year, state, signed_on, signatories, published_at, created_by)
      values ('国网嵊州市供电公司—长宁社区共建契约', ${power.id}, ${changning.id}, ${Number(day(0).slice(0, 4))}, 'fulfilling', ${day(-60)}, '供电公司党委书记 沈国强;长宁社区书记 徐丽萍',
        ${new Date(now.getTime() - 55 * 86_400_000)}, ${handler.id}) returning id`.execute(db)
  ).rows[0]!.id
  const items = [
    ['unit_to_community', 'volunteer', '每月一次“电力老娘舅”上门检查独居老人家中线路'],
    ['unit_to_community', 'funds', '出资 2 万元改造社区老旧楼道照明'],
    ['community_to_unit', 'venue', '提供社区活动室作为用电安全宣传课堂'],
    ['community_to_unit', 'volunteer', '社区网格员协助排查违章用电'],
  ]
  const itemIds: string[] = []
  for (const [direction, resource, content] of items)
    itemIds.push(
      (await sql<{ id: string }>`insert into pact_items (pact_id, direction, resource, content) values (${pact}, ${direction}, ${resource}, ${content}) returning id`.execute(db)).rows[0]!.id,
    )
  await sql`insert into pact_logs (pact_id, item_id, done_on, content, created_by) values
    (${pact}, ${itemIds[0]}, ${day(-30)}, '上门检查 12 户独居老人线路,更换老化插座 5 处', ${handler.id}),
    (${pact}, ${itemIds[2]}, ${day(-12)}, '在社区活动室开展用电安全课,居民 40 余人参加', ${handler.id})`.execute(db)
  const steps: [string, string | null, string, number][] = [
    ['create', null, 'negotiating', -75],
    ['sign', 'negotiating', 'signed', -60],
    ['publish', 'signed', 'published', -55],
    ['fulfil', 'published', 'fulfilling', -50],
  ]
  for (const [action, from, to, offset] of steps)
    await sql`insert into pact_events (pact_id, action, from_state, to_state, actor_id, at) values (${pact}, ${action}, ${from}, ${to}, ${handler.id}, ${new Date(now.getTime() + offset * 86_400_000)})`.execute(
      db,
    )
  return { meetings: 2 }
}
