import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string | undefined, string>

export interface RegionsTable {
  id: Generated<number>
  code: string
  name: string
  level: 'city' | 'county' | 'town' | 'village' | 'grid'
  parent_id: number | null
  /** Materialized path of codes, '/330600/330683/330683105/', so a subtree is `path LIKE prefix%`. */
  path: string
  depth: number
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface UnitsTable {
  id: Generated<string>
  name: string
  kind: 'department' | 'town_office' | 'village_committee' | 'enterprise' | 'partner'
  region_id: number
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface UsersTable {
  id: Generated<string>
  phone: string
  name: string
  password_hash: string
  roles: string[]
  region_id: number
  unit_id: string | null
  station: 'village' | 'community' | 'enterprise' | null
  is_party_member: Generated<boolean>
  is_youth_league: Generated<boolean>
  residence_region_id: number | null
  active: Generated<boolean>
  password_changed_at: Generated<Date>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface SessionsTable {
  id: Generated<string>
  token_hash: string
  user_id: string
  created_at: Generated<Date>
  expires_at: Timestamp
  last_seen_at: Generated<Date>
  ip: string | null
  user_agent: string | null
}

export interface LoginAttemptsTable {
  id: Generated<string>
  phone: string
  ip: string
  success: boolean
  at: Generated<Date>
}

export interface AuditLogTable {
  id: Generated<string>
  at: Generated<Date>
  actor_id: string | null
  action: string
  entity_type: string
  entity_id: string | null
  region_id: number | null
  ip: string | null
  details: Json
}

export interface JobRunsTable {
  job_name: string
  run_key: string
  status: 'running' | 'done' | 'failed'
  started_at: Generated<Date>
  finished_at: Date | null
  error: string | null
  owner: string
}

export interface FilesTable {
  id: Generated<string>
  storage_key: string
  filename: string
  content_type: string
  size: number
  sha256: string
  created_by: string | null
  created_at: Generated<Date>
}

export interface SettingsTable {
  key: string
  value: Json
  updated_at: Generated<Date>
}

export interface DB {
  regions: RegionsTable
  units: UnitsTable
  users: UsersTable
  sessions: SessionsTable
  login_attempts: LoginAttemptsTable
  audit_log: AuditLogTable
  job_runs: JobRunsTable
  files: FilesTable
  settings: SettingsTable
}

export type RegionRow = Selectable<RegionsTable>
export type NewRegion = Insertable<RegionsTable>
export type UnitRow = Selectable<UnitsTable>
export type UserRow = Selectable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
