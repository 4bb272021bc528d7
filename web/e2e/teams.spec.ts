import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Notification, Task, Team } from '../../common/src/index.ts'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 志愿队伍 and 先锋任务 for one team in the browser (issue 15): the 石璜镇 town handler (the demo's 雅璜村 cadre is a
// 驻村指导员, who publishes no tasks), in the console, makes a team in 雅璜村 of two of the village's volunteers (张律师 13900683001, 李师傅 13900683003 — not 王医生 13900683002), puts 李师傅 on its
// weekly rota (shown on the duty grid), then publishes a task to that team from the task form. 李师傅, with the task
// hall open on the phone, gets the notice live and sees the task; 王医生 of the same village neither gets the notice
// nor sees the task.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const HANDLER = '13800000002' // 周海燕 · 石璜镇
const MEMBER = '13900683003' // 李师傅
const LAWYER_NAME = '张律师'
const MEMBER_NAME = '李师傅'
const OUTSIDER = '13900683002' // 王医生, 雅璜村, not in the team
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }
const SHOTS = process.env.E2E_SHOTS_DIR ?? '/tmp'
/** An Element Plus input by its test id (the id lands on the <input> or on the wrapper, by component). */
const input = (id: string) => `input[data-testid="${id}"], [data-testid="${id}"] input`

async function pick(page: Page, selectTestId: string, option: string) {
  await page.click(`[data-testid="${selectTestId}"]`)
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

/** In a dialog's region picker (rooted at the handler's town): 石璜镇 / 雅璜村. */
async function pickYahuang(page: Page, dialogTestId: string) {
  await page.locator(`[data-testid=${dialogTestId}] .mq-region-picker`).click()
  const node = (name: string) => page.locator('.mq-region-cascader:visible .el-cascader-node', { hasText: name }).first()
  await node('石璜镇').click()
  await node('雅璜村').locator('.el-radio').click()
  await page.keyboard.press('Escape')
}

async function apiAs(phone: string) {
  const token = await apiLogin(phone)
  return async <T>(path: string) => {
    const res = await fetch(`${baseUrl()}/api${path}`, { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status, path).toBe(200)
    return (await res.json()) as T
  }
}

describe('teams, rotas and a task for one team', () => {
  it('the town handler makes a team in 雅璜村 with a rota in the console and publishes a task to it; only its member’s phone gets the notice', async () => {
    const stamp = String(Date.now()).slice(-6)
    const teamName = `e2e 水电维修队 ${stamp}`
    const taskTitle = `e2e 帮独居老人修水管 ${stamp}`

    // 李师傅 has the task hall open on the phone before anything is published.
    const phone = await browser.newContext(PHONE)
    const mp = await phone.newPage()
    const phoneErrors = watchErrors(mp)
    const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await desk.newPage()
    const errors = watchErrors(page)
    // The first loads run while a fresh demo server still indexes its texts on a shared machine: allow them time.
    for (const ctx of [phone, desk]) ctx.setDefaultNavigationTimeout(90_000)
    try {
      await mp.goto(`${baseUrl()}/m/login?redirect=${encodeURIComponent('/m/tasks')}`)
      await mp.fill('[data-testid=login-phone]', MEMBER)
      await mp.fill('[data-testid=login-password]', 'minqing-demo')
      await mp.click('[data-testid=login-submit]')
      await mp.waitForURL((u) => u.pathname === '/m/tasks')

      await page.goto(`${baseUrl()}/login`)
      await page.fill('[data-testid=login-phone]', HANDLER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL(/\/console$/)

      // The team: 雅璜村, two of its volunteers, 李师傅 its leader.
      await page.click('[data-testid=nav-teams]')
      await page.waitForURL(/\/console\/teams$/)
      await page.click('[data-testid=teams-create]')
      await page.fill(input('team-name'), teamName)
      await pick(page, 'team-kind', '维修能手')
      await pickYahuang(page, 'team-dialog')
      await page.click('[data-testid=team-members]')
      for (const name of [LAWYER_NAME, MEMBER_NAME]) await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click()
      // Close the members' dropdown (its items must not be taken for the leader's).
      await page.locator('[data-testid=team-dialog] .el-dialog__header').click()
      await expect.poll(() => page.locator('.el-select-dropdown__item:visible').count(), { timeout: 8000 }).toBe(0)
      await pick(page, 'team-leader', MEMBER_NAME)
      await page.click('[data-testid=team-save]')
      const row = page.locator('[data-testid=teams-table] .el-table__row', { hasText: teamName })
      await row.waitFor({ timeout: 8000 })
      expect(await row.innerText()).toContain('雅璜村')
      expect(await row.innerText()).toContain(`${LAWYER_NAME}、${MEMBER_NAME}`)

      // Its rota: 李师傅 on Saturdays 09:00–11:00 at the 文化礼堂; the week's duty grid shows him.
      await row.locator('[data-testid=team-rota]').click()
      const drawer = page.locator('[data-testid=rota-drawer]')
      await drawer.locator('[data-testid=slot-add]').click()
      const slot = drawer.locator('[data-testid=rota-slots] .el-table__row').last()
      await slot.locator('[data-testid=slot-weekday]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '周六' }).first().click()
      await slot.locator(input('slot-place')).fill('村文化礼堂')
      await slot.locator('[data-testid=slot-user]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: MEMBER_NAME }).first().click()
      await drawer.locator('[data-testid=rota-save]').click()
      await page.locator('.el-message--success').first().waitFor({ timeout: 8000 })
      await page.keyboard.press('Escape')
      const duty = page.locator('[data-testid=duty-grid] [data-testid=duty-item]', { hasText: teamName })
      await duty.first().waitFor({ timeout: 8000 })
      expect(await duty.first().innerText()).toContain(MEMBER_NAME)
      await page.screenshot({ path: `${SHOTS}/teams-console.png` })

      // The task, from the console form: audience 指定队伍, this team.
      await page.click('[data-testid=nav-tasks]')
      await page.waitForURL(/\/console\/tasks$/)
      await page.click('[data-testid=tasks-publish]')
      await page.fill(input('task-title'), taskTitle)
      await page.fill(input('task-place'), '雅璜村 12 号')
      await pickYahuang(page, 'tasks-dialog')
      await pick(page, 'task-audience', '指定队伍')
      await pick(page, 'task-team', teamName)
      await page.click('[data-testid=task-submit]')
      const taskRow = page.locator('[data-testid=tasks-table] .el-table__row', { hasText: taskTitle })
      await taskRow.waitFor({ timeout: 8000 })
      expect(await taskRow.innerText()).toContain(teamName)
      await taskRow.click()
      expect(await page.locator('[data-testid=task-drawer-audience]').innerText()).toContain(teamName)
      await page.screenshot({ path: `${SHOTS}/teams-task-console.png` })

      // The member's phone: the notice live, and the task in the hall.
      const notice = mp.locator('[data-testid=m-task-notice]')
      await notice.waitFor({ timeout: 12_000 })
      expect(await notice.innerText()).toContain(taskTitle)
      expect(await notice.innerText()).toMatch(/您收到一条.*认领任务/)
      const handlerApi = await apiAs(HANDLER)
      const task = (await handlerApi<{ items: Task[] }>('/tasks?limit=50')).items.find((x) => x.title === taskTitle)!
      const team = (await handlerApi<{ items: Team[] }>('/teams')).items.find((x) => x.name === teamName)!
      expect(task).toMatchObject({ audience: 'team', teamId: team.id })
      await mp.locator(`[data-testid=m-task-${task.id}]`).waitFor({ timeout: 8000 })
      await mp.screenshot({ path: `${SHOTS}/teams-member-phone-375.png`, fullPage: true })

      // A link to the task (a notice, a ledger row) opens the console list with that task's drawer.
      await page.goto(`${baseUrl()}/console/tasks?task=${task.id}`)
      await expect
        .poll(
          () =>
            page
              .locator('[data-testid=task-drawer-audience]')
              .innerText()
              .catch(() => ''),
          { timeout: 8000 },
        )
        .toContain(teamName)

      // 王医生 of the same village: no notice, no task in the hall.
      const outsider = await apiAs(OUTSIDER)
      expect((await outsider<Notification[]>('/notifications?limit=50')).some((n) => n.taskId === task.id)).toBe(false)
      expect((await outsider<{ items: Task[] }>('/tasks?limit=200')).items.some((x) => x.id === task.id)).toBe(false)
      const member = await apiAs(MEMBER)
      expect((await member<Notification[]>('/notifications?limit=50')).filter((n) => n.taskId === task.id)).toHaveLength(1)

      expect(errors).toEqual([])
      expect(phoneErrors).toEqual([])
    } finally {
      await desk.close()
      await phone.close()
    }
  }, 240_000)
})
