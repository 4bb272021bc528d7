// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { archiveAbilities, archiveNav, rolesWith } from './nav.ts'

const paths = (roles: Parameters<typeof archiveNav>[0]) => archiveNav(roles).map((i) => i.path.replace('/console/archive/', ''))

describe('archive menu', () => {
  it('shows nothing to a volunteer', () => {
    expect(archiveNav(['volunteer'])).toEqual([])
  })
  it('shows the lists to a stationed cadre, without import and tags', () => {
    expect(paths(['stationed_cadre'])).toEqual(['households', 'persons', 'enterprises', 'places'])
  })
  it('adds import for a town handler and tags for an admin', () => {
    expect(paths(['town_handler'])).toEqual(['households', 'persons', 'enterprises', 'places', 'import'])
    expect(paths(['admin'])).toEqual(['households', 'persons', 'enterprises', 'places', 'import', 'tags'])
  })
  it('merges the permissions of several roles', () => {
    expect(paths(['volunteer', 'village_cadre'])).toContain('import')
  })
})

describe('rolesWith', () => {
  it('lists the roles holding a permission', () => {
    expect(rolesWith('tags.manage')).toEqual(['admin'])
    expect(rolesWith('archive.read')).not.toContain('volunteer')
    expect(rolesWith('archive.read')).toContain('stationed_cadre')
    expect(rolesWith('archive.reveal')).toEqual(expect.arrayContaining(['admin', 'leader', 'town_handler', 'village_cadre']))
    expect(rolesWith('archive.reveal')).not.toContain('stationed_cadre')
  })
})

describe('archiveAbilities', () => {
  it('reads a leader as read + reveal only', () => {
    expect(archiveAbilities(['leader'])).toEqual({ read: true, write: false, import: false, reveal: true, manageTags: false })
  })
  it('reads a grid worker as read + write', () => {
    expect(archiveAbilities(['grid_worker'])).toEqual({ read: true, write: true, import: false, reveal: false, manageTags: false })
  })
})
