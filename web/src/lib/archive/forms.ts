import {
  creditCodeProblem,
  idNumberFacts,
  idNumberProblem,
  normaliseIdNumber,
  phoneProblem,
  type CreateHousehold,
  type CreatePerson,
  type Enterprise,
  type Household,
  type HouseholdDetail,
  type Person,
  type Place,
  type Tag,
  type UpdateHousehold,
  type UpdatePerson,
} from '@minqing/common'
import { DOCUMENT_MAX_BYTES, DOCUMENT_TYPES } from '@minqing/common'

type Gender = 'male' | 'female'
type EnterpriseSize = 'micro' | 'small' | 'medium' | 'large'

const text = (v: string | null | undefined) => (v ?? '').trim()
const orNull = (v: string | null | undefined) => text(v) || null
const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v)
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001')

// ---- tags ---------------------------------------------------------------------------
export type TagTarget = 'person' | 'household'
/** Tags that can be put on a person / a household. */
export const tagsFor = (tags: readonly Tag[], target: TagTarget) => tags.filter((t) => t.appliesTo === target || t.appliesTo === 'both')
/** The catalogue entry a tag reference (code or name, as the server may answer either) stands for. */
export const findTag = (tags: readonly Tag[], ref: string) => tags.find((t) => t.code === ref || t.name === ref)
/** Tag references → codes (references not in the catalogue are kept as they are). */
export const tagCodes = (tags: readonly Tag[], refs: readonly string[]) => refs.map((r) => findTag(tags, r)?.code ?? r)

// ---- persons -------------------------------------------------------------------------
export interface PersonFormState {
  name: string
  /** Empty on edit: the stored number is only known masked; typing one replaces it. */
  idNumber: string
  gender: Gender | null
  birthDate: string | null
  /** Empty on edit, like the ID number. */
  phone: string
  relation: string | null
  politicalStatus: string | null
  health: string
  childrenInCity: boolean | null
  workplace: string
  notes: string
  tags: string[]
}

export function emptyPersonForm(): PersonFormState {
  return {
    name: '',
    idNumber: '',
    gender: null,
    birthDate: null,
    phone: '',
    relation: null,
    politicalStatus: null,
    health: '',
    childrenInCity: null,
    workplace: '',
    notes: '',
    tags: [],
  }
}

export function personToForm(p: Person, catalogue: readonly Tag[] = []): PersonFormState {
  return {
    name: p.name,
    idNumber: '',
    gender: p.gender,
    birthDate: p.birthDate ? p.birthDate.slice(0, 10) : null,
    phone: '',
    relation: p.relation,
    politicalStatus: p.politicalStatus,
    health: p.health ?? '',
    childrenInCity: p.childrenInCity,
    workplace: p.workplace ?? '',
    notes: p.notes ?? '',
    tags: tagCodes(catalogue, p.tags),
  }
}

/** What is wrong with a typed ID number (null: fine, or nothing typed). */
export function personIdProblem(idNumber: string): string | null {
  return text(idNumber) ? idNumberProblem(idNumber) : null
}
export function personPhoneProblem(phone: string): string | null {
  return text(phone) ? phoneProblem(phone) : null
}

/** A valid ID number carries the birth date and gender: fill them in. Returns whether it did. */
export function applyIdFacts(form: PersonFormState): boolean {
  if (!text(form.idNumber) || idNumberProblem(form.idNumber)) return false
  const facts = idNumberFacts(form.idNumber)
  form.birthDate = facts.birthDate
  form.gender = facts.gender
  return true
}

export function buildCreatePerson(form: PersonFormState, owner: { householdId?: string | null; regionCode?: string }): CreatePerson {
  const body: CreatePerson = { name: text(form.name) }
  if (owner.householdId) body.householdId = owner.householdId
  if (owner.regionCode) body.regionCode = owner.regionCode
  if (text(form.idNumber)) body.idNumber = normaliseIdNumber(form.idNumber)
  if (form.gender) body.gender = form.gender
  if (form.birthDate) body.birthDate = form.birthDate
  if (text(form.phone)) body.phone = text(form.phone).replace(/\s+/g, '')
  if (form.relation) body.relation = form.relation
  if (form.politicalStatus) body.politicalStatus = form.politicalStatus
  if (text(form.health)) body.health = text(form.health)
  if (form.childrenInCity !== null) body.childrenInCity = form.childrenInCity
  if (text(form.workplace)) body.workplace = text(form.workplace)
  if (text(form.notes)) body.notes = text(form.notes)
  if (form.tags.length) body.tags = [...form.tags]
  return body
}

/** Only what changed; an empty ID number / phone field leaves the stored one alone. */
export function buildUpdatePerson(original: Person, form: PersonFormState, catalogue: readonly Tag[] = []): UpdatePerson {
  const patch: UpdatePerson = {}
  if (text(form.name) !== original.name) patch.name = text(form.name)
  if (text(form.idNumber)) patch.idNumber = normaliseIdNumber(form.idNumber)
  if (text(form.phone)) patch.phone = text(form.phone).replace(/\s+/g, '')
  if (form.gender !== original.gender) patch.gender = form.gender
  const birth = original.birthDate ? original.birthDate.slice(0, 10) : null
  if ((form.birthDate || null) !== birth) patch.birthDate = form.birthDate || null
  if ((form.relation || null) !== original.relation) patch.relation = form.relation || null
  if ((form.politicalStatus || null) !== original.politicalStatus) patch.politicalStatus = form.politicalStatus || null
  if (orNull(form.health) !== original.health) patch.health = orNull(form.health)
  if (form.childrenInCity !== original.childrenInCity) patch.childrenInCity = form.childrenInCity
  if (orNull(form.workplace) !== original.workplace) patch.workplace = orNull(form.workplace)
  if (orNull(form.notes) !== original.notes) patch.notes = orNull(form.notes)
  if (!sameSet(form.tags, tagCodes(catalogue, original.tags))) patch.tags = [...form.tags]
  return patch
}

export const PERSON_ERROR_FIELDS: Record<string, keyof PersonFormState> = {
  INVALID_ID_NUMBER: 'idNumber',
  DUPLICATE_ID_NUMBER: 'idNumber',
  UNKNOWN_TAG: 'tags',
  TAG_NOT_APPLICABLE: 'tags',
  INVALID_PHONE: 'phone',
}

// ---- households ----------------------------------------------------------------------
export interface HouseFactsForm {
  type: string
  floors: number | null
  areaM2: number | null
  builtYear: number | null
  ownership: string
}
export interface HouseholdFormState {
  regionCode: string
  address: string
  /** Empty on edit: typing one replaces the stored (masked) number. */
  phone: string
  house: HouseFactsForm
  notes: string
  tags: string[]
  lat: number | null
  lng: number | null
}

export function emptyHouseholdForm(regionCode = ''): HouseholdFormState {
  return {
    regionCode,
    address: '',
    phone: '',
    house: { type: '', floors: null, areaM2: null, builtYear: null, ownership: '' },
    notes: '',
    tags: [],
    lat: null,
    lng: null,
  }
}

export function householdToForm(h: HouseholdDetail, catalogue: readonly Tag[] = []): HouseholdFormState {
  return {
    regionCode: h.regionCode,
    address: h.address,
    phone: '',
    house: {
      type: h.house?.type ?? '',
      floors: h.house?.floors ?? null,
      areaM2: h.house?.areaM2 ?? null,
      builtYear: h.house?.builtYear ?? null,
      ownership: h.house?.ownership ?? '',
    },
    notes: h.notes ?? '',
    tags: tagCodes(catalogue, h.tags),
    lat: h.lat,
    lng: h.lng,
  }
}

type HouseFacts = NonNullable<CreateHousehold['house']>
function houseFacts(f: HouseFactsForm): HouseFacts {
  const out: HouseFacts = {}
  if (text(f.type)) out.type = text(f.type)
  if (num(f.floors) !== null) out.floors = Math.trunc(f.floors!)
  if (num(f.areaM2) !== null) out.areaM2 = f.areaM2!
  if (num(f.builtYear) !== null) out.builtYear = Math.trunc(f.builtYear!)
  if (text(f.ownership)) out.ownership = text(f.ownership)
  return out
}
const sameFacts = (a: HouseFacts, b: HouseFacts) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof HouseFacts>
  return [...keys].every((k) => (a[k] ?? null) === (b[k] ?? null))
}

/** Both coordinates or neither. */
export function coordinatesProblem(lat: number | null, lng: number | null): 'pair' | 'range' | null {
  if ((lat === null) !== (lng === null)) return 'pair'
  if (lat !== null && (lat < -90 || lat > 90)) return 'range'
  if (lng !== null && (lng < -180 || lng > 180)) return 'range'
  return null
}

export function buildCreateHousehold(form: HouseholdFormState): CreateHousehold {
  const body: CreateHousehold = { regionCode: form.regionCode, address: text(form.address) }
  if (text(form.phone)) body.phone = text(form.phone).replace(/\s+/g, '')
  const house = houseFacts(form.house)
  if (Object.keys(house).length) body.house = house
  if (text(form.notes)) body.notes = text(form.notes)
  if (form.tags.length) body.tags = [...form.tags]
  if (num(form.lat) !== null && num(form.lng) !== null) {
    body.lat = form.lat
    body.lng = form.lng
  }
  return body
}

export function buildUpdateHousehold(original: HouseholdDetail, form: HouseholdFormState, catalogue: readonly Tag[] = []): UpdateHousehold {
  const patch: UpdateHousehold = {}
  if (form.regionCode && form.regionCode !== original.regionCode) patch.regionCode = form.regionCode
  if (text(form.address) !== original.address) patch.address = text(form.address)
  if (text(form.phone)) patch.phone = text(form.phone).replace(/\s+/g, '')
  const house = houseFacts(form.house)
  if (!sameFacts(house, (original.house ?? {}) as HouseFacts)) patch.house = house
  if (orNull(form.notes) !== original.notes) patch.notes = orNull(form.notes)
  if (!sameSet(form.tags, tagCodes(catalogue, original.tags))) patch.tags = [...form.tags]
  if (num(form.lat) !== original.lat) patch.lat = num(form.lat)
  if (num(form.lng) !== original.lng) patch.lng = num(form.lng)
  return patch
}

export const HOUSEHOLD_ERROR_FIELDS: Record<string, keyof HouseholdFormState> = {
  UNKNOWN_REGION: 'regionCode',
  UNKNOWN_TAG: 'tags',
  TAG_NOT_APPLICABLE: 'tags',
  DUPLICATE_HOUSEHOLD: 'address',
  INVALID_REGION_LEVEL: 'regionCode',
  INVALID_PHONE: 'phone',
}

/** A household's list row from its detail (to update a list in place after an edit). */
export function householdSummary(h: HouseholdDetail): Household {
  const { id, regionCode, regionName, address, headName, headPersonId, memberCount, phone, tags, lat, lng, updatedAt } = h
  return { id, regionCode, regionName, address, headName, headPersonId, memberCount, phone, tags, lat, lng, updatedAt }
}

// ---- enterprises -----------------------------------------------------------------------
export interface TeamMemberForm {
  userId: string
  name: string
  duty: string
}
export interface EnterpriseFormState {
  regionCode: string
  name: string
  creditCode: string
  industry: string
  size: EnterpriseSize | null
  address: string
  contactName: string
  /** Empty on edit (stored masked): typing one replaces it. */
  contactPhone: string
  cadreUserId: string | null
  team: TeamMemberForm[]
  notes: string
}
export interface EnterpriseBody {
  regionCode: string
  name: string
  creditCode: string
  industry?: string | null
  size?: EnterpriseSize | null
  address?: string | null
  contactName?: string | null
  contactPhone?: string | null
  cadreUserId?: string | null
  team?: { userId: string; duty?: string | null }[]
  notes?: string | null
}

export function emptyEnterpriseForm(regionCode = ''): EnterpriseFormState {
  return { regionCode, name: '', creditCode: '', industry: '', size: null, address: '', contactName: '', contactPhone: '', cadreUserId: null, team: [], notes: '' }
}
export function enterpriseToForm(e: Enterprise): EnterpriseFormState {
  return {
    regionCode: e.regionCode,
    name: e.name,
    creditCode: e.creditCode,
    industry: e.industry ?? '',
    size: e.size,
    address: e.address ?? '',
    contactName: e.contactName ?? '',
    contactPhone: '',
    cadreUserId: e.cadre?.id ?? null,
    team: e.team.map((m) => ({ userId: m.userId, name: m.name, duty: m.duty ?? '' })),
    notes: e.notes ?? '',
  }
}
const normaliseCreditCode = (v: string) => v.replace(/\s+/g, '').toUpperCase()
export const enterpriseCreditProblem = (v: string) => (text(v) ? creditCodeProblem(v) : null)

const teamBody = (team: TeamMemberForm[]) => team.filter((m) => m.userId).map((m) => (text(m.duty) ? { userId: m.userId, duty: text(m.duty) } : { userId: m.userId }))

export function buildCreateEnterprise(form: EnterpriseFormState): EnterpriseBody {
  const body: EnterpriseBody = { regionCode: form.regionCode, name: text(form.name), creditCode: normaliseCreditCode(form.creditCode) }
  if (text(form.industry)) body.industry = text(form.industry)
  if (form.size) body.size = form.size
  if (text(form.address)) body.address = text(form.address)
  if (text(form.contactName)) body.contactName = text(form.contactName)
  if (text(form.contactPhone)) body.contactPhone = text(form.contactPhone).replace(/\s+/g, '')
  if (form.cadreUserId) body.cadreUserId = form.cadreUserId
  const team = teamBody(form.team)
  if (team.length) body.team = team
  if (text(form.notes)) body.notes = text(form.notes)
  return body
}

export function buildUpdateEnterprise(original: Enterprise, form: EnterpriseFormState): Partial<EnterpriseBody> {
  const patch: Partial<EnterpriseBody> = {}
  if (form.regionCode && form.regionCode !== original.regionCode) patch.regionCode = form.regionCode
  if (text(form.name) !== original.name) patch.name = text(form.name)
  if (normaliseCreditCode(form.creditCode) !== original.creditCode) patch.creditCode = normaliseCreditCode(form.creditCode)
  if (orNull(form.industry) !== original.industry) patch.industry = orNull(form.industry)
  if ((form.size ?? null) !== original.size) patch.size = form.size ?? null
  if (orNull(form.address) !== original.address) patch.address = orNull(form.address)
  if (orNull(form.contactName) !== original.contactName) patch.contactName = orNull(form.contactName)
  if (text(form.contactPhone)) patch.contactPhone = text(form.contactPhone).replace(/\s+/g, '')
  if ((form.cadreUserId ?? null) !== (original.cadre?.id ?? null)) patch.cadreUserId = form.cadreUserId ?? null
  const team = teamBody(form.team)
  const before = original.team.map((m) => `${m.userId}:${m.duty ?? ''}`)
  const after = team.map((m) => `${m.userId}:${m.duty ?? ''}`)
  if (!sameSet(before, after)) patch.team = team
  if (orNull(form.notes) !== original.notes) patch.notes = orNull(form.notes)
  return patch
}

export const ENTERPRISE_ERROR_FIELDS: Record<string, keyof EnterpriseFormState> = {
  INVALID_CREDIT_CODE: 'creditCode',
  DUPLICATE_CREDIT_CODE: 'creditCode',
  UNKNOWN_REGION: 'regionCode',
  UNKNOWN_USER: 'cadreUserId',
}

// ---- places ---------------------------------------------------------------------------
export interface PlaceFormState {
  regionCode: string
  name: string
  kind: string
  address: string
  lat: number | null
  lng: number | null
  notes: string
}
export interface PlaceBody {
  regionCode: string
  name: string
  kind: string
  address?: string | null
  lat?: number | null
  lng?: number | null
  notes?: string | null
}
export const emptyPlaceForm = (regionCode = ''): PlaceFormState => ({ regionCode, name: '', kind: '', address: '', lat: null, lng: null, notes: '' })
export const placeToForm = (p: Place): PlaceFormState => ({
  regionCode: p.regionCode,
  name: p.name,
  kind: p.kind,
  address: p.address ?? '',
  lat: p.lat,
  lng: p.lng,
  notes: p.notes ?? '',
})
export function buildCreatePlace(form: PlaceFormState): PlaceBody {
  const body: PlaceBody = { regionCode: form.regionCode, name: text(form.name), kind: form.kind }
  if (text(form.address)) body.address = text(form.address)
  if (num(form.lat) !== null && num(form.lng) !== null) {
    body.lat = form.lat
    body.lng = form.lng
  }
  if (text(form.notes)) body.notes = text(form.notes)
  return body
}
export function buildUpdatePlace(original: Place, form: PlaceFormState): Partial<PlaceBody> {
  const patch: Partial<PlaceBody> = {}
  if (form.regionCode && form.regionCode !== original.regionCode) patch.regionCode = form.regionCode
  if (text(form.name) !== original.name) patch.name = text(form.name)
  if (form.kind !== original.kind) patch.kind = form.kind
  if (orNull(form.address) !== original.address) patch.address = orNull(form.address)
  if (num(form.lat) !== original.lat) patch.lat = num(form.lat)
  if (num(form.lng) !== original.lng) patch.lng = num(form.lng)
  if (orNull(form.notes) !== original.notes) patch.notes = orNull(form.notes)
  return patch
}
export const PLACE_ERROR_FIELDS: Record<string, keyof PlaceFormState> = {
  UNKNOWN_REGION: 'regionCode',
  INVALID_REGION_LEVEL: 'regionCode',
  CONFLICT: 'name',
}

// ---- documents -------------------------------------------------------------------------
/** Client-side check before an upload (the server judges the bytes again): type and size. */
export function documentFileProblem(file: { type: string; size: number }): 'type' | 'size' | 'empty' | null {
  if (!(DOCUMENT_TYPES as readonly string[]).includes(file.type)) return 'type'
  if (file.size === 0) return 'empty'
  if (file.size > DOCUMENT_MAX_BYTES) return 'size'
  return null
}
/** The `accept` attribute of the document file input. */
export const DOCUMENT_ACCEPT = (DOCUMENT_TYPES as readonly string[]).join(',')

// ---- tags page -------------------------------------------------------------------------
export interface TagFormState {
  code: string
  name: string
  appliesTo: 'person' | 'household' | 'both'
  color: string | null
  sort: number | null
}
export const emptyTagForm = (): TagFormState => ({ code: '', name: '', appliesTo: 'person', color: '#409eff', sort: null })
export const TAG_CODE_PATTERN = /^[a-z][a-z0-9_]{1,31}$/
export function buildCreateTag(form: TagFormState) {
  const body: { code: string; name: string; appliesTo: TagFormState['appliesTo']; color?: string | null; sort?: number } = {
    code: text(form.code),
    name: text(form.name),
    appliesTo: form.appliesTo,
  }
  if (form.color) body.color = form.color.toLowerCase()
  if (num(form.sort) !== null) body.sort = Math.trunc(form.sort!)
  return body
}
export const TAG_ERROR_FIELDS: Record<string, keyof TagFormState> = { TAG_TAKEN: 'code' }

// ---- identifier problems in the user's language ---------------------------------------------
/** The shared validators answer in Chinese; these keys say the same in the UI's language. */
const PROBLEM_KEYS: Record<string, string> = {
  '身份证号应为18位(最后一位可为X)': 'archive.problems.idFormat',
  身份证号中的出生日期无效: 'archive.problems.idBirth',
  身份证号校验位错误: 'archive.problems.idCheck',
  '统一社会信用代码应为18位数字或大写字母(不含I、O、S、V、Z)': 'archive.problems.creditFormat',
  统一社会信用代码校验位错误: 'archive.problems.creditCheck',
  电话号码格式不正确: 'archive.problems.phone',
}
/** The i18n key of a validator's problem (null: unknown text, show it as it is). */
export const problemKey = (problem: string): string | null => PROBLEM_KEYS[problem] ?? null
