import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROLE_LABELS_ZH, STATION_LABELS_ZH, userRoleLabelsZh } from '@minqing/common'
import { describe, expect, it } from 'vitest'
import { loadBundled } from '../modules/regions/import.ts'
import { ARCHIVE_DEMO_VILLAGES, DEMO_HOUSEHOLDS_PER_VILLAGE, TAG_CATALOGUE, generateHouseholdRows } from './archive-demo.ts'
import { DEMO_COUNTY, DEMO_PASSWORD, DEMO_USERS } from './demo.ts'
import { DEMO_ACTIVITY_CASES, HOUSEHOLDS_PER_OTHER_VILLAGE } from './activity-seed.ts'

// The README's demo section is what a new user reads first: its login table and figures must be the seed's, and its
// role names the screens' (it once said 驻村指导员 while the screens said 驻点干部). No database needed.
const README = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8')
const section = (heading: string) => {
  const start = README.indexOf(heading)
  expect(start, heading).toBeGreaterThanOrEqual(0)
  const next = README.indexOf('\n## ', start + heading.length)
  return README.slice(start, next < 0 ? undefined : next)
}
const demo = section('### What the demo holds')

/** Rows of the first Markdown table after `marker`, as arrays of trimmed cells (header and rule left out). */
function tableAfter(text: string, marker: string): string[][] {
  const lines = text.slice(text.indexOf(marker)).split('\n')
  const first = lines.findIndex((l) => l.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    )
  }
  return rows.slice(2)
}

describe('README: demo logins', () => {
  const division = loadBundled(DEMO_COUNTY)!
  const regionName = new Map<string, string>([
    [division.county.code, division.county.name],
    ...division.towns.map((t) => [t.code, t.name] as [string, string]),
    ...division.towns.flatMap((t) => t.villages.map((v) => [v.code, v.name] as [string, string])),
  ])
  const rows = tableAfter(demo, 'Demo logins')

  it('lists every demo user, in the seed’s order, with the seed’s password', () => {
    expect(demo).toContain(`password \`${DEMO_PASSWORD}\``)
    expect(rows.map((r) => r[0])).toEqual(DEMO_USERS.map((u) => u.phone))
  })

  it.each(DEMO_USERS.map((u) => [u.phone, u] as const))('%s: name, role as the screens show it, region and unit', (phone, u) => {
    const [, name, role, region, unit] = rows.find((r) => r[0] === phone)!
    expect(name).toBe(u.name)
    expect(role).toBe(userRoleLabelsZh(u).join('、'))
    expect(region).toBe(`${regionName.get(u.regionCode)} ${u.regionCode}`)
    if (u.unit) expect(unit).toBe(u.unit.name)
    else expect(unit.startsWith('—')).toBe(true)
    // The list printed at every start says the same.
    expect(u.note.startsWith(userRoleLabelsZh(u).join('、'))).toBe(true)
  })

  it('names stationed cadres by station, as the screens do, and the role group as 三驻干部', () => {
    expect(userRoleLabelsZh({ roles: ['stationed_cadre'], station: 'village' })).toEqual([STATION_LABELS_ZH.village])
    expect(ROLE_LABELS_ZH.stationed_cadre).toBe('三驻干部')
    expect(README).not.toContain('驻点干部')
    expect(demo).toContain('三驻干部')
  })
})

describe('README: what the demo holds', () => {
  it('states the seed’s figures', () => {
    const division = loadBundled(DEMO_COUNTY)!
    const villages = division.towns.reduce((n, t) => n + t.villages.length, 0)
    expect(demo).toContain(`its ${division.towns.length} towns/streets and ${villages} villages/communities`)
    expect(demo).toContain(`(${villages * 2} grids)`)
    const { households, rows } = generateHouseholdRows(ARCHIVE_DEMO_VILLAGES, DEMO_HOUSEHOLDS_PER_VILLAGE)
    expect(demo).toContain(`${households} households with ${rows.length.toLocaleString('en-US')} people`)
    expect(demo).toContain(`(${DEMO_HOUSEHOLDS_PER_VILLAGE} each`)
    for (const v of ARCHIVE_DEMO_VILLAGES) expect(demo).toContain(v.name)
    expect(demo).toContain(`${TAG_CATALOGUE.length}-tag catalogue`)
    for (const t of TAG_CATALOGUE) expect(demo).toContain(t.name)
    expect(demo).toMatch(new RegExp(`\\*\\*${['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven'][DEMO_USERS.length]} logins\\*\\*`))
    // The generated year (activity-seed.ts).
    expect(demo).toContain(`${DEMO_ACTIVITY_CASES.toLocaleString('en-US')} cases from 1 January to now across all ${division.towns.length} towns`)
    expect(demo).toContain(`${HOUSEHOLDS_PER_OTHER_VILLAGE} households (each with its head) in every village outside`)
  })
})
