import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'

const CHANGNING = '330683003006' // 长宁社区, where volunteer 13800000005 (金雨婷) lives
const DAY = 86_400_000

/**
 * 先锋任务 of the demo (issue 15), once: two open tasks in 长宁社区 for its volunteers to grab (one for party members),
 * and two done ones that 金雨婷 took and the publisher confirmed (one last month, one this month), so her record,
 * the hall and the leaderboard show something on first start.
 */
export async function seedTasksDemo(db: Kysely<DB>, now = new Date()) {
  if ((await sql<{ n: number }>`select count(*)::int as n from tasks`.execute(db)).rows[0]!.n > 0) return { tasks: 0 }
  const region = (await db.selectFrom('regions').select(['id']).where('code', '=', CHANGNING).executeTakeFirst())?.id
  const admin = (await db.selectFrom('users').select(['id']).where('phone', '=', '13800000000').executeTakeFirst())?.id
  const jin = (await db.selectFrom('users').select(['id']).where('phone', '=', '13800000005').executeTakeFirst())?.id
  if (!region || !admin || !jin) return { tasks: 0 }
  const at = (days: number, hour: number) => new Date(Math.floor((now.getTime() + days * DAY) / DAY) * DAY + (hour - 8) * 3_600_000)
  const tasks = [
    {
      title: '反诈宣传进楼道',
      description: '在长宁社区各楼道张贴反诈海报,向独居老人当面讲解常见骗局',
      place: '长宁社区党群服务中心集合',
      starts: at(2, 9),
      ends: at(2, 11),
      slots: 5,
      audience: 'any',
      hours: 2,
      points: 10,
      done: false,
    },
    {
      title: '冬季独居老人走访慰问',
      description: '两人一组走访辖区独居老人,检查取暖用电安全,记录需求',
      place: '长宁社区',
      starts: at(4, 14),
      ends: at(4, 17),
      slots: 3,
      audience: 'party',
      hours: 3,
      points: 15,
      done: false,
    },
    {
      title: '老旧小区楼道杂物清理',
      description: '清理3幢、5幢楼道堆放杂物,消除消防通道隐患',
      place: '长宁社区3幢',
      starts: at(-40, 8),
      ends: at(-40, 11),
      slots: 4,
      audience: 'any',
      hours: 3,
      points: 15,
      done: true,
    },
    {
      title: '助老送餐',
      description: '为行动不便的老人从老年食堂送午餐',
      place: '长宁社区老年食堂',
      starts: at(-3, 11),
      ends: at(-3, 13),
      slots: 2,
      audience: 'youth',
      hours: 2,
      points: 10,
      done: true,
    },
  ]
  await db.transaction().execute(async (trx) => {
    for (const t of tasks) {
      const r = await sql<{ id: string }>`
        insert into tasks (title, description, region_id, place, starts_at, ends_at, slots, claimed, audience, points, hours, state, published_by, created_at)
        values (${t.title}, ${t.description}, ${region}, ${t.place}, ${t.starts}, ${t.ends}, ${t.slots}, ${t.done ? 1 : 0}, ${t.audience}, ${t.points}, ${t.hours},
                ${t.done ? 'done' : 'open'}, ${admin}, ${new Date(t.starts.getTime() - 3 * DAY)})
        returning id`.execute(trx)
      const id = r.rows[0]!.id
      await sql`insert into task_events (task_id, action, actor_id, at, data) values (${id}, 'publish', ${admin}, ${new Date(t.starts.getTime() - 3 * DAY)}, ${JSON.stringify({ slots: t.slots, audience: t.audience })}::jsonb)`.execute(
        trx,
      )
      if (!t.done) continue
      await sql`
        insert into task_claims (task_id, user_id, state, claimed_at, checkin_at, checkout_at, finished_at, report, confirmed_at, confirmed_by, hours, points)
        values (${id}, ${jin}, 'confirmed', ${new Date(t.starts.getTime() - 2 * DAY)}, ${t.starts}, ${t.ends}, ${t.ends}, '已按要求完成', ${new Date(t.ends.getTime() + 3_600_000)}, ${admin}, ${t.hours}, ${t.points})`.execute(
        trx,
      )
      for (const [action, when] of [
        ['claim', new Date(t.starts.getTime() - 2 * DAY)],
        ['confirm', new Date(t.ends.getTime() + 3_600_000)],
      ] as const)
        await sql`insert into task_events (task_id, user_id, action, actor_id, at) values (${id}, ${jin}, ${action}, ${action === 'claim' ? jin : admin}, ${when})`.execute(trx)
    }
  })
  return { tasks: tasks.length }
}
