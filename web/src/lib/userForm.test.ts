// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { User } from '@minqing/common'
import { buildCreateUser, buildUpdateUser, emptyUserForm, userToForm } from './userForm.ts'

const user: User = {
  id: '00000000-0000-4000-8000-000000000003',
  phone: '13800000003',
  name: '驻村干部',
  roles: ['stationed_cadre'],
  regionCode: '330683105212',
  regionName: '雅璜村',
  unitId: null,
  unitName: null,
  station: 'village',
  isPartyMember: false,
  isYouthLeague: false,
  residenceRegionCode: null,
  active: true,
  createdAt: '2025-01-01T00:00:00.000Z',
}

describe('buildCreateUser', () => {
  it('keeps role-dependent fields only for the roles that use them', () => {
    const form = {
      ...emptyUserForm(),
      phone: ' 13900000001 ',
      name: ' 张三 ',
      password: 'secret-123',
      roles: ['grid_worker' as const],
      regionCode: '330683105212',
      station: 'village' as const,
      isPartyMember: true,
      residenceRegionCode: '330683105',
    }
    expect(buildCreateUser(form)).toEqual({
      phone: '13900000001',
      name: '张三',
      password: 'secret-123',
      roles: ['grid_worker'],
      regionCode: '330683105212',
      unitId: null,
    })
  })
  it('sends station for stationed cadres and volunteer data for volunteers', () => {
    const form = {
      ...emptyUserForm(),
      phone: '13900000002',
      name: '李四',
      password: 'secret-123',
      roles: ['stationed_cadre' as const, 'volunteer' as const],
      regionCode: '330683',
      station: 'enterprise' as const,
      isPartyMember: true,
      residenceRegionCode: '330683105212',
    }
    expect(buildCreateUser(form)).toMatchObject({
      station: 'enterprise',
      isPartyMember: true,
      isYouthLeague: false,
      residenceRegionCode: '330683105212',
    })
  })
})

describe('buildUpdateUser', () => {
  it('is empty when nothing changed', () => {
    expect(buildUpdateUser(user, userToForm(user))).toEqual({})
  })
  it('sends only changed fields, and the password as a reset', () => {
    const form = userToForm(user)
    form.name = '新名字'
    form.password = 'new-password-1'
    form.active = false
    expect(buildUpdateUser(user, form)).toEqual({ name: '新名字', password: 'new-password-1', active: false })
  })
  it('clears the station when the stationed cadre role is removed', () => {
    const form = userToForm(user)
    form.roles = ['grid_worker']
    expect(buildUpdateUser(user, form)).toEqual({ roles: ['grid_worker'], station: null })
  })
  it('ignores role order', () => {
    const u = { ...user, roles: ['admin', 'leader'] as User['roles'], station: null }
    const form = userToForm(u)
    form.roles = ['leader', 'admin']
    expect(buildUpdateUser(u, form)).toEqual({})
  })
})
