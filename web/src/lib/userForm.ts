import type { CreateUser, Role, Station, UpdateUser, User } from '@minqing/common'

/** The user dialog's editable state. */
export interface UserFormState {
  phone: string
  name: string
  password: string
  roles: Role[]
  regionCode: string
  unitId: string | null
  station: Station | null
  isPartyMember: boolean
  isYouthLeague: boolean
  residenceRegionCode: string | null
  active: boolean
}

export function emptyUserForm(): UserFormState {
  return {
    phone: '',
    name: '',
    password: '',
    roles: [],
    regionCode: '',
    unitId: null,
    station: null,
    isPartyMember: false,
    isYouthLeague: false,
    residenceRegionCode: null,
    active: true,
  }
}

export function userToForm(user: User): UserFormState {
  return {
    phone: user.phone,
    name: user.name,
    password: '',
    roles: [...user.roles],
    regionCode: user.regionCode,
    unitId: user.unitId,
    station: user.station,
    isPartyMember: user.isPartyMember,
    isYouthLeague: user.isYouthLeague,
    residenceRegionCode: user.residenceRegionCode,
    active: user.active,
  }
}

/** Role-dependent fields: station only for stationed cadres, volunteer data only for volunteers. */
function normalized(form: UserFormState) {
  const stationed = form.roles.includes('stationed_cadre')
  const volunteer = form.roles.includes('volunteer')
  return {
    phone: form.phone.trim(),
    name: form.name.trim(),
    roles: [...form.roles],
    regionCode: form.regionCode,
    unitId: form.unitId || null,
    station: stationed ? form.station : null,
    isPartyMember: volunteer ? form.isPartyMember : false,
    isYouthLeague: volunteer ? form.isYouthLeague : false,
    residenceRegionCode: volunteer ? form.residenceRegionCode || null : null,
    active: form.active,
  }
}

export function buildCreateUser(form: UserFormState): CreateUser {
  const n = normalized(form)
  const body: CreateUser = {
    phone: n.phone,
    name: n.name,
    password: form.password,
    roles: n.roles,
    regionCode: n.regionCode,
    unitId: n.unitId,
  }
  if (n.station) body.station = n.station
  if (form.roles.includes('volunteer')) {
    body.isPartyMember = n.isPartyMember
    body.isYouthLeague = n.isYouthLeague
    body.residenceRegionCode = n.residenceRegionCode
  }
  return body
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',')
}

/** Only the fields that changed (PATCH needs at least one); a non-empty password resets it. */
export function buildUpdateUser(original: User, form: UserFormState): UpdateUser {
  const n = normalized(form)
  const patch: UpdateUser = {}
  if (n.name !== original.name) patch.name = n.name
  if (n.phone !== original.phone) patch.phone = n.phone
  if (form.password) patch.password = form.password
  if (!sameRoles(n.roles, original.roles)) patch.roles = n.roles
  if (n.regionCode !== original.regionCode) patch.regionCode = n.regionCode
  if (n.unitId !== original.unitId) patch.unitId = n.unitId
  if (n.station !== original.station) patch.station = n.station
  if (n.isPartyMember !== original.isPartyMember) patch.isPartyMember = n.isPartyMember
  if (n.isYouthLeague !== original.isYouthLeague) patch.isYouthLeague = n.isYouthLeague
  if (n.residenceRegionCode !== original.residenceRegionCode) patch.residenceRegionCode = n.residenceRegionCode
  if (n.active !== original.active) patch.active = n.active
  return patch
}

/** Which form field an error code belongs to, when the server gives no field details. */
export const USER_ERROR_FIELDS: Record<string, keyof UserFormState> = {
  PHONE_TAKEN: 'phone',
  UNKNOWN_REGION: 'regionCode',
  UNKNOWN_UNIT: 'unitId',
  WEAK_PASSWORD: 'password',
  INVALID_ROLE_SETUP: 'roles',
}
