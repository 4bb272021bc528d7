import type { RegionLevel, Role, Station, UnitKind } from './enums.ts'

/** Chinese names of enum values, for screens and printed output (the web app's i18n files reuse these). */
export const ROLE_LABELS_ZH: Record<Role, string> = {
  admin: '管理员',
  leader: '领导',
  town_handler: '镇街办理人',
  dept_handler: '部门办理人',
  village_cadre: '村社干部',
  grid_worker: '网格员',
  // The role as a group (filters, counts); a stationed cadre himself is shown by his station (userRoleKeys).
  stationed_cadre: '三驻干部',
  volunteer: '志愿者',
}
export const STATION_LABELS_ZH: Record<Station, string> = {
  village: '驻村指导员',
  community: '驻社指导员',
  enterprise: '驻企服务员',
}
/**
 * A user's titles as every screen shows them (i18n keys): a stationed cadre by his station — 驻村指导员,
 * 驻社指导员, 驻企服务员 — everyone else by role. The README's demo-login table is checked against this.
 */
export function userRoleKeys(u: { roles: readonly Role[]; station?: Station | null }): string[] {
  return u.roles.map((r) => (r === 'stationed_cadre' && u.station ? `station.${u.station}` : `role.${r}`))
}
/** The same titles in Chinese (printed output, the demo-login list). */
export function userRoleLabelsZh(u: { roles: readonly Role[]; station?: Station | null }): string[] {
  return u.roles.map((r) => (r === 'stationed_cadre' && u.station ? STATION_LABELS_ZH[u.station] : ROLE_LABELS_ZH[r]))
}
export const REGION_LEVEL_LABELS_ZH: Record<RegionLevel, string> = {
  city: '市',
  county: '县(市)',
  town: '镇街',
  village: '村社',
  grid: '网格',
}
export const UNIT_KIND_LABELS_ZH: Record<UnitKind, string> = {
  department: '部门',
  town_office: '镇街',
  village_committee: '村社',
  enterprise: '企业',
  partner: '共建单位',
}
