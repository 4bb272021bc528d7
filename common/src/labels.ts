import type { RegionLevel, Role, Station, UnitKind } from './enums.ts'

/** Chinese names of enum values, for screens and printed output (the web app's i18n files reuse these). */
export const ROLE_LABELS_ZH: Record<Role, string> = {
  admin: '管理员',
  leader: '领导',
  town_handler: '镇街办理人',
  dept_handler: '部门办理人',
  village_cadre: '村社干部',
  grid_worker: '网格员',
  stationed_cadre: '驻点干部',
  volunteer: '志愿者',
}
export const STATION_LABELS_ZH: Record<Station, string> = {
  village: '驻村指导员',
  community: '驻社指导员',
  enterprise: '驻企服务员',
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
