import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { hashPassword } from '../platform/passwords.ts'
import { insertUserIfMissing } from '../modules/users/users.repository.ts'
import { addDays, isoWeekday, localDate } from '../modules/volunteer-teams/rota.ts'

const YAHUANG = '330683105212' // 石璜镇 雅璜村
const CHANGNING = '330683003006' // 长宁社区
const SHIHUANG = '330683105' // 石璜镇

/** Three volunteers residing in 雅璜村 (a lawyer, a village doctor, a handyman) for its teams. */
const VOLUNTEERS = [
  { phone: '13900683001', name: '张律师', party: true, youth: false },
  { phone: '13900683002', name: '王医生', party: false, youth: false },
  { phone: '13900683003', name: '李师傅', party: true, youth: false },
]

/**
 * Teams, rotas and activities of the demo (issue 15), once: 雅璜村's 法律服务队 on duty every Wednesday afternoon at
 * the 民情角 and its 维修能手队 on Saturday mornings; 长宁社区's 青年志愿队 (金雨婷) on Sunday mornings; the weekly
 * 雅璜村民情角 (published, with last Wednesday's ledger), 长宁社区's monthly 青春民情活动日 and a draft 石璜镇民情日.
 */
export async function seedTeamsDemo(db: Kysely<DB>, password: string, now = new Date()) {
  if ((await sql<{ n: number }>`select count(*)::int as n from volunteer_teams`.execute(db)).rows[0]!.n > 0) return { teams: 0 }
  const region = async (code: string) => (await db.selectFrom('regions').select(['id']).where('code', '=', code).executeTakeFirst())?.id
  const user = async (phone: string) => (await db.selectFrom('users').select(['id']).where('phone', '=', phone).executeTakeFirst())?.id
  const yahuang = await region(YAHUANG)
  const changning = await region(CHANGNING)
  const shihuang = await region(SHIHUANG)
  const handler = await user('13800000002')
  const admin = await user('13800000000')
  const jin = await user('13800000005')
  if (!yahuang || !changning || !shihuang || !handler || !admin || !jin) return { teams: 0 }
  const hash = await hashPassword(password)
  for (const v of VOLUNTEERS)
    await insertUserIfMissing(db, {
      phone: v.phone,
      name: v.name,
      password_hash: hash,
      roles: ['volunteer'],
      region_id: yahuang,
      residence_region_id: yahuang,
      is_party_member: v.party,
      is_youth_league: v.youth,
    })
  const [lawyer, doctor, handy] = await Promise.all(VOLUNTEERS.map((v) => user(v.phone)))

  const team = async (name: string, kind: string, regionId: number, leader: string, members: string[], by: string, description: string) => {
    const id = (
      await sql<{ id: string }>`insert into volunteer_teams (name, kind, region_id, leader_id, description, created_by)
        values (${name}, ${kind}, ${regionId}, ${leader}, ${description}, ${by}) returning id`.execute(db)
    ).rows[0]!.id
    for (const m of members) await sql`insert into team_members (team_id, user_id) values (${id}, ${m})`.execute(db)
    return id
  }
  const slot = (teamId: string, weekday: number, start: string, end: string, place: string, userId: string, note = '') =>
    sql`insert into rota_slots (team_id, weekday, start_time, end_time, place, user_id, note) values (${teamId}, ${weekday}, ${start}, ${end}, ${place}, ${userId}, ${note})`.execute(db)

  const law = await team('雅璜村法律服务队', 'lawyer', yahuang, lawyer!, [lawyer!, doctor!], handler, '每周三下午在村委会民情角坐班接访,解答法律咨询、调解纠纷')
  await slot(law, 3, '14:00', '17:00', '村委会民情角', lawyer!, '法律咨询')
  const repair = await team('雅璜村维修能手队', 'repair', yahuang, handy!, [handy!], handler, '水电维修、家电小修,优先服务独居老人')
  await slot(repair, 6, '09:00', '11:00', '村文化礼堂', handy!, '义务维修')
  const youth = await team('长宁社区青年志愿队', 'student', changning, jin, [jin], admin, '青春民情:走访、宣讲、帮办')
  await slot(youth, 7, '09:00', '11:30', '社区服务中心', jin, '青春民情接待')

  const today = localDate(now)
  let lastWed = today
  while (isoWeekday(lastWed) !== 3) lastWed = addDays(lastWed, -1)
  const activity = async (a: {
    title: string
    kind: string
    place: string
    regionId: number
    recurrence: string
    first: string
    weekdays?: number[]
    monthDay?: number
    start: string
    end: string
    teamId: string | null
    audience: string
    published: boolean
    by: string
    description: string
  }) =>
    (
      await sql<{
        id: string
      }>`insert into activities (title, kind, place, region_id, description, recurrence, first_date, weekdays, month_day, start_time, end_time, team_id, audience, state, published_at, created_by)
        values (${a.title}, ${a.kind}, ${a.place}, ${a.regionId}, ${a.description}, ${a.recurrence}, ${a.first}::date, ${a.weekdays ?? []}::smallint[], ${a.monthDay ?? null},
          ${a.start}, ${a.end}, ${a.teamId}, ${a.audience}, ${a.published ? 'published' : 'draft'}, ${a.published ? now : null}, ${a.by}) returning id`.execute(db)
    ).rows[0]!.id
  const corner = await activity({
    title: '雅璜村民情角',
    kind: 'minqing_corner',
    place: '村委会民情角',
    regionId: yahuang,
    recurrence: 'weekly',
    first: addDays(lastWed, -56),
    weekdays: [3],
    start: '14:00',
    end: '17:00',
    teamId: law,
    audience: 'volunteers',
    published: true,
    by: handler,
    description: '律师、村医轮流坐班,村民有事来民情角当面说。',
  })
  await activity({
    title: '长宁社区青春民情活动日',
    kind: 'youth_day',
    place: '社区服务中心',
    regionId: changning,
    recurrence: 'monthly',
    first: addDays(today, -40),
    monthDay: 15,
    start: '09:00',
    end: '11:30',
    teamId: youth,
    audience: 'volunteers',
    published: true,
    by: admin,
    description: '青年志愿者走进社区,听民声、解民忧。',
  })
  await activity({
    title: '石璜镇民情日',
    kind: 'minqing_day',
    place: '镇政府便民服务中心',
    regionId: shihuang,
    recurrence: 'once',
    first: addDays(today, 7),
    start: '08:30',
    end: '11:30',
    teamId: null,
    audience: 'residents',
    published: false,
    by: handler,
    description: '镇村干部集中接待群众。',
  })
  const session = (
    await sql<{ id: string }>`insert into activity_sessions (activity_id, date, residents_count, notes, recorded_by)
      values (${corner}, ${lastWed}::date, 12, '天气晴,来访群众较多', ${handler}) returning id`.execute(db)
  ).rows[0]!.id
  for (const u of [handler, lawyer!, doctor!]) await sql`insert into session_attendees (session_id, user_id) values (${session}, ${u})`.execute(db)
  const items = [
    { content: '咨询低保申请条件和材料', raisedBy: '王大爷', outcome: 'answered', answer: '已现场讲解申请条件,告知到村便民服务中心提交材料' },
    { content: '邻居宅基地界线有争议', raisedBy: '陈阿姨', outcome: 'answered', answer: '张律师现场解释相关规定,约双方下周三再来调解' },
    { content: '建议在文化礼堂边增设健身器材', raisedBy: '李大伯', outcome: 'noted', answer: null },
  ]
  for (const i of items)
    await sql`insert into ledger_items (session_id, content, raised_by, outcome, answer, created_by) values (${session}, ${i.content}, ${i.raisedBy}, ${i.outcome}, ${i.answer}, ${handler})`.execute(
      db,
    )
  return { teams: 3 }
}
