// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { creditCodeProblem, idNumberProblem, phoneProblem, withCreditCheck, withIdCheck, type Enterprise, type HouseholdDetail, type Person, type Place, type Tag } from '@minqing/common'
import {
  applyIdFacts,
  buildCreateEnterprise,
  buildCreateHousehold,
  buildCreatePerson,
  buildCreatePlace,
  buildCreateTag,
  buildUpdateEnterprise,
  buildUpdateHousehold,
  buildUpdatePerson,
  buildUpdatePlace,
  coordinatesProblem,
  documentFileProblem,
  emptyHouseholdForm,
  emptyPersonForm,
  emptyTagForm,
  enterpriseCreditProblem,
  enterpriseToForm,
  householdSummary,
  householdToForm,
  personIdProblem,
  personToForm,
  placeToForm,
  problemKey,
  tagCodes,
  tagsFor,
} from './forms.ts'
import zhCN from '../../i18n/zh-CN.ts'

const catalogue: Tag[] = [
  { id: 1, code: 'yilao_yixiao', name: '一老一小', appliesTo: 'household', color: '#e6a23c', sort: 10, builtin: true },
  { id: 2, code: 'alone_elderly', name: '独居老人', appliesTo: 'person', color: '#f56c6c', sort: 20, builtin: true },
  { id: 6, code: 'assistance', name: '救助对象', appliesTo: 'both', color: '#c45656', sort: 60, builtin: true },
]
const ID_FEMALE = withIdCheck('33068319800315002') // 17th digit even → female
const ID_MALE = withIdCheck('33068319550101001')

const person: Person = {
  id: '00000000-0000-4000-8000-0000000000a1',
  householdId: '00000000-0000-4000-8000-0000000000b1',
  regionCode: '330683105212',
  regionName: '雅璜村委会',
  name: '王阿婆',
  gender: 'female',
  birthDate: '1950-03-15',
  age: 76,
  idNumber: '330683********0021',
  phone: '138****5678',
  relation: '户主',
  politicalStatus: '群众',
  health: null,
  childrenInCity: false,
  workplace: null,
  notes: null,
  tags: ['独居老人'],
  updatedAt: '2026-11-22T00:00:00.000Z',
}

const household: HouseholdDetail = {
  id: '00000000-0000-4000-8000-0000000000b1',
  regionCode: '330683105212',
  regionName: '雅璜村委会',
  address: '雅璜村 12 号',
  headName: '王阿婆',
  headPersonId: person.id,
  memberCount: 1,
  phone: '138****5678',
  tags: ['yilao_yixiao'],
  lat: 29.5,
  lng: 120.8,
  updatedAt: '2026-11-22T00:00:00.000Z',
  house: { type: '砖混', floors: 2 },
  notes: null,
  regionPath: [{ code: '330683', name: '嵊州市' }],
  members: [person],
  documents: [],
}

describe('tags', () => {
  it('filters by target and maps names to codes', () => {
    expect(tagsFor(catalogue, 'person').map((t) => t.code)).toEqual(['alone_elderly', 'assistance'])
    expect(tagsFor(catalogue, 'household').map((t) => t.code)).toEqual(['yilao_yixiao', 'assistance'])
    expect(tagCodes(catalogue, ['独居老人', 'assistance', '未知'])).toEqual(['alone_elderly', 'assistance', '未知'])
  })
})

describe('person form', () => {
  it('checks a typed ID number, and ignores an empty one', () => {
    expect(personIdProblem('')).toBeNull()
    expect(personIdProblem(ID_FEMALE)).toBeNull()
    expect(personIdProblem('330683198003150021')).not.toBeNull()
  })
  it('fills birth date and gender from a valid ID number', () => {
    const f = { ...emptyPersonForm(), idNumber: ID_FEMALE }
    expect(applyIdFacts(f)).toBe(true)
    expect(f).toMatchObject({ birthDate: '1980-03-15', gender: 'female' })
    const m = { ...emptyPersonForm(), idNumber: ID_MALE.toLowerCase() }
    expect(applyIdFacts(m)).toBe(true)
    expect(m).toMatchObject({ birthDate: '1955-01-01', gender: 'male' })
    const bad = { ...emptyPersonForm(), idNumber: '123' }
    expect(applyIdFacts(bad)).toBe(false)
    expect(bad.birthDate).toBeNull()
  })
  it('creates with what was filled in', () => {
    const f = { ...emptyPersonForm(), name: ' 李四 ', idNumber: ` ${ID_MALE} `, gender: 'male' as const, relation: '子女', childrenInCity: true, tags: ['talent'] }
    expect(buildCreatePerson(f, { householdId: household.id })).toEqual({
      name: '李四',
      householdId: household.id,
      idNumber: ID_MALE,
      gender: 'male',
      relation: '子女',
      childrenInCity: true,
      tags: ['talent'],
    })
  })
  it('edits: nothing changed gives an empty patch; masked values are never sent back', () => {
    const f = personToForm(person, catalogue)
    expect(f.idNumber).toBe('')
    expect(f.phone).toBe('')
    expect(f.tags).toEqual(['alone_elderly'])
    expect(buildUpdatePerson(person, f, catalogue)).toEqual({})
  })
  it('edits: only the changes, a typed ID replaces the stored one', () => {
    const f = { ...personToForm(person, catalogue), childrenInCity: true, health: '良好', idNumber: ID_FEMALE, tags: ['alone_elderly', 'assistance'] }
    expect(buildUpdatePerson(person, f, catalogue)).toEqual({ childrenInCity: true, health: '良好', idNumber: ID_FEMALE, tags: ['alone_elderly', 'assistance'] })
  })
})

describe('household form', () => {
  it('creates with house facts and coordinates only when both are set', () => {
    const f = { ...emptyHouseholdForm('330683105212'), address: ' 雅璜村 8 号 ', house: { type: '', floors: 3, areaM2: null, builtYear: 1998, ownership: '' }, lat: 29.5, lng: null, tags: ['dibao'] }
    expect(buildCreateHousehold(f)).toEqual({ regionCode: '330683105212', address: '雅璜村 8 号', house: { floors: 3, builtYear: 1998 }, tags: ['dibao'] })
  })
  it('edits: nothing changed gives an empty patch', () => {
    expect(buildUpdateHousehold(household, householdToForm(household, catalogue), catalogue)).toEqual({})
  })
  it('edits: the changes only', () => {
    const f = householdToForm(household, catalogue)
    f.house.floors = 3
    f.notes = '门口有狗'
    f.lat = null
    f.lng = null
    f.phone = '13900001111'
    expect(buildUpdateHousehold(household, f, catalogue)).toEqual({
      house: { type: '砖混', floors: 3 },
      notes: '门口有狗',
      lat: null,
      lng: null,
      phone: '13900001111',
    })
  })
  it('checks coordinates come in pairs and in range', () => {
    expect(coordinatesProblem(null, null)).toBeNull()
    expect(coordinatesProblem(29.5, null)).toBe('pair')
    expect(coordinatesProblem(95, 120)).toBe('range')
    expect(coordinatesProblem(29.5, 120.8)).toBeNull()
  })
  it('summarises a detail as a list row', () => {
    expect(Object.keys(householdSummary(household)).sort()).toEqual(
      ['address', 'headName', 'headPersonId', 'id', 'lat', 'lng', 'memberCount', 'phone', 'regionCode', 'regionName', 'tags', 'updatedAt'].sort(),
    )
  })
})

describe('enterprise form', () => {
  const code = withCreditCheck('91330683MA2D12345')
  const enterprise: Enterprise = {
    id: '00000000-0000-4000-8000-0000000000c1',
    regionCode: '330683105',
    regionName: '石璜镇',
    name: '嵊州织造厂',
    creditCode: code,
    industry: '纺织',
    size: 'small',
    address: null,
    contactName: '张厂长',
    contactPhone: '139****0000',
    cadre: { id: '00000000-0000-4000-8000-0000000000d1', name: '驻企干部' },
    team: [{ userId: '00000000-0000-4000-8000-0000000000d2', name: '成员甲', duty: '联络' }],
    notes: null,
    updatedAt: '2026-11-22T00:00:00.000Z',
  }
  it('validates the credit code on the client', () => {
    expect(enterpriseCreditProblem('')).toBeNull()
    expect(enterpriseCreditProblem(code)).toBeNull()
    expect(enterpriseCreditProblem(code.slice(0, 17) + (code[17] === '0' ? '1' : '0'))).not.toBeNull()
  })
  it('creates with a normalised code and the team', () => {
    const f = { ...enterpriseToForm(enterprise), creditCode: code.toLowerCase(), contactPhone: '' }
    expect(buildCreateEnterprise(f)).toMatchObject({
      creditCode: code,
      cadreUserId: enterprise.cadre!.id,
      team: [{ userId: enterprise.team[0].userId, duty: '联络' }],
    })
    expect(buildCreateEnterprise(f)).not.toHaveProperty('contactPhone')
  })
  it('edits: only changes; the team as a whole when it changed', () => {
    const f = enterpriseToForm(enterprise)
    expect(buildUpdateEnterprise(enterprise, f)).toEqual({})
    f.team.push({ userId: '00000000-0000-4000-8000-0000000000d3', name: '成员乙', duty: '' })
    f.cadreUserId = null
    expect(buildUpdateEnterprise(enterprise, f)).toEqual({
      cadreUserId: null,
      team: [{ userId: enterprise.team[0].userId, duty: '联络' }, { userId: '00000000-0000-4000-8000-0000000000d3' }],
    })
  })
})

describe('place form', () => {
  const place: Place = {
    id: '00000000-0000-4000-8000-0000000000e1',
    regionCode: '330683105212',
    regionName: '雅璜村委会',
    name: '雅璜民情角',
    kind: '民情角',
    address: null,
    lat: null,
    lng: null,
    notes: null,
    updatedAt: '2026-11-22T00:00:00.000Z',
  }
  it('creates and edits', () => {
    expect(buildCreatePlace({ ...placeToForm(place), address: ' 村口 ' })).toEqual({ regionCode: place.regionCode, name: '雅璜民情角', kind: '民情角', address: '村口' })
    expect(buildUpdatePlace(place, placeToForm(place))).toEqual({})
    expect(buildUpdatePlace(place, { ...placeToForm(place), kind: '文化礼堂', lat: 29.1, lng: 120.2 })).toEqual({ kind: '文化礼堂', lat: 29.1, lng: 120.2 })
  })
})

describe('documents', () => {
  it('accepts images and PDF up to 10 MB', () => {
    expect(documentFileProblem({ type: 'image/png', size: 100 })).toBeNull()
    expect(documentFileProblem({ type: 'application/pdf', size: 10 * 1024 * 1024 })).toBeNull()
    expect(documentFileProblem({ type: 'application/pdf', size: 10 * 1024 * 1024 + 1 })).toBe('size')
    expect(documentFileProblem({ type: 'image/gif', size: 100 })).toBe('type')
    expect(documentFileProblem({ type: '', size: 100 })).toBe('type')
    expect(documentFileProblem({ type: 'image/jpeg', size: 0 })).toBe('empty')
  })
})

describe('tag form', () => {
  it('builds the body', () => {
    expect(buildCreateTag({ ...emptyTagForm(), code: ' elder_care ', name: ' 助老 ', color: '#ABCDEF', sort: 5 })).toEqual({
      code: 'elder_care',
      name: '助老',
      appliesTo: 'person',
      color: '#abcdef',
      sort: 5,
    })
  })
})

describe('problemKey', () => {
  it('knows every problem the shared validators give (so the UI never shows untranslated text)', () => {
    const problems = [
      idNumberProblem('123'),
      idNumberProblem(withIdCheck('33068319801332002')),
      idNumberProblem(ID_FEMALE.slice(0, 17) + (ID_FEMALE[17] === '0' ? '1' : '0')),
      creditCodeProblem('IIII'),
      creditCodeProblem(withCreditCheck('91330683MA2D12345').slice(0, 17) + (withCreditCheck('91330683MA2D12345')[17] === '0' ? '1' : '0')),
      phoneProblem('12'),
    ]
    for (const p of problems) {
      expect(p).not.toBeNull()
      const key = problemKey(p!)
      expect(key, p!).not.toBeNull()
      const [, group, name] = key!.split('.')
      expect((zhCN.archive as unknown as Record<string, Record<string, string>>)[group][name]).toBeTruthy()
    }
    expect(problemKey('别的')).toBeNull()
  })
})
