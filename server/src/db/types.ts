import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely'

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

export interface TagsTable {
  id: Generated<number>
  code: string
  name: string
  applies_to: 'person' | 'household' | 'both'
  color: string | null
  sort: Generated<number>
  builtin: Generated<boolean>
  created_at: Generated<Date>
}

export interface HouseholdsTable {
  id: Generated<string>
  region_id: number
  address: string
  head_person_id: string | null
  phone_enc: string | null
  phone_hash: string | null
  phone_masked: string | null
  house: ColumnType<Record<string, unknown>, string | undefined, string>
  notes: string | null
  lat: number | null
  lng: number | null
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface PersonsTable {
  id: Generated<string>
  household_id: string | null
  region_id: number
  name: string
  gender: 'male' | 'female' | null
  /** `date` comes back as text (YYYY-MM-DD) — see db/index.ts type parsers. */
  birth_date: string | null
  id_enc: string | null
  id_hash: string | null
  id_masked: string | null
  /**
   * Keyed hash of an ID number held by a person outside the writer's area, set on this record while a county
   * admin sorts the two records out (id_hash stays null; see ArchiveService.idColumns).
   */
  id_pending_hash: Generated<string | null>
  phone_enc: string | null
  phone_hash: string | null
  phone_masked: string | null
  relation: string | null
  political_status: string | null
  health: string | null
  children_in_city: boolean | null
  workplace: string | null
  notes: string | null
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  /** Characters and character pairs of the name (generated; GIN-indexed for 'name contains'). */
  name_grams: ColumnType<string[], never, never>
}

export interface PersonTagsTable {
  person_id: string
  tag_id: number
}
export interface HouseholdTagsTable {
  household_id: string
  tag_id: number
}

export interface EnterprisesTable {
  id: Generated<string>
  region_id: number
  name: string
  credit_code: string
  industry: string | null
  size: 'micro' | 'small' | 'medium' | 'large' | null
  address: string | null
  contact_name: string | null
  contact_phone_enc: string | null
  contact_phone_hash: string | null
  contact_phone_masked: string | null
  cadre_user_id: string | null
  notes: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface EnterpriseTeamTable {
  enterprise_id: string
  user_id: string
  duty: string | null
}

export interface PlacesTable {
  id: Generated<string>
  region_id: number
  name: string
  kind: string
  address: string | null
  lat: number | null
  lng: number | null
  notes: string | null
  /** 民情码 printed on the place's poster (/r/<qr_code>). */
  qr_code: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface DocumentsTable {
  id: Generated<string>
  owner_type: 'household' | 'person'
  owner_id: string
  region_id: number
  file_id: string
  kind: string
  title: string
  created_by: string | null
  created_at: Generated<Date>
}

export interface ArchiveHistoryTable {
  id: Generated<string>
  entity_type: 'household' | 'person' | 'enterprise' | 'place'
  entity_id: string
  action: string
  actor_id: string | null
  at: Generated<Date>
  changes: Json
}

export interface ImportJobsTable {
  id: Generated<string>
  kind: string
  status: 'queued' | 'running' | 'done' | 'failed'
  filename: string
  file_id: string | null
  options: Json
  total_rows: Generated<number>
  processed_rows: Generated<number>
  accepted_rows: Generated<number>
  rejected_rows: Generated<number>
  result: Json
  report_file_id: string | null
  error: string | null
  region_id: number
  created_by: string | null
  created_at: Generated<Date>
  started_at: Date | null
  finished_at: Date | null
}

export interface DiaryEntriesTable {
  id: Generated<string>
  client_id: string
  content_hash: string
  kind: 'village' | 'community' | 'enterprise'
  author_id: string
  region_id: number
  household_id: string | null
  person_id: string | null
  enterprise_id: string | null
  occurred_at: Timestamp
  text: string
  mood: string | null
  urgency: Generated<'normal' | 'urgent' | 'emergency'>
  lat: number | null
  lng: number | null
  location_source: Generated<'device' | 'household' | 'enterprise' | 'none'>
  review: Generated<'none' | 'reviewed' | 'good_example'>
  reviewed_by: string | null
  reviewed_at: Date | null
  created_at: Generated<Date>
}
export interface DiaryPhotosTable {
  id: Generated<string>
  entry_id: string
  file_id: string
  client_id: string
  created_at: Generated<Date>
}
export interface DiaryConcernsTable {
  id: Generated<string>
  entry_id: string
  position: number
  text: string
  case_id: string | null
}
export interface DiaryCommentsTable {
  id: Generated<string>
  entry_id: string
  author_id: string
  text: string
  created_at: Generated<Date>
}
export interface VisitRulesTable {
  id: Generated<number>
  role: string
  station: string | null
  measure: 'visits' | 'household_share' | 'all_households'
  period: 'week' | 'month' | 'half_year' | 'year'
  target: number
  description: string
  active: Generated<boolean>
}
export interface VisitDaysTable {
  id: Generated<string>
  region_id: number
  date: string
  title: string
  created_by: string | null
  created_at: Generated<Date>
}

export interface CategoriesTable {
  id: Generated<number>
  code: string
  name: string
  parent_id: number | null
  default_level: 'grid' | 'village' | 'town' | 'county'
  default_unit_id: string | null
  normal_days: number
  urgent_days: number
  emergency_hours: number
  keywords: ColumnType<string[], string[] | undefined, string[]>
  active: Generated<boolean>
  sort: Generated<number>
}
export interface RoutingRulesTable {
  id: Generated<number>
  category_id: number
  region_id: number
  level: 'grid' | 'village' | 'town' | 'county'
  unit_id: string | null
}
export interface CasesTable {
  id: Generated<string>
  number: string
  client_id: string | null
  channel: string
  state: string
  level: 'grid' | 'village' | 'town' | 'county'
  region_id: number
  category_id: number | null
  urgency: Generated<'normal' | 'urgent' | 'emergency'>
  title: string
  description: string
  reporter_kind: 'person' | 'named' | 'anonymous' | 'user'
  reporter_person_id: string | null
  reporter_user_id: string | null
  reporter_name: string | null
  reporter_phone_enc: string | null
  reporter_phone_hash: string | null
  reporter_phone_masked: string | null
  tracking_code: string | null
  lat: number | null
  lng: number | null
  unit_id: string | null
  handler_id: string | null
  dispatched_by_level: string | null
  suggested_unit_id: string | null
  due_at: Date | null
  warn_at: Date | null
  accept_due_at: Date | null
  warned_at: Date | null
  overdue_at: Date | null
  paused_at: Date | null
  extension_days: Generated<number>
  pending_extension_days: number | null
  supervision: 'normal' | 'yellow' | 'red' | null
  claimed_by: string | null
  merged_into: string | null
  rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null
  reopen_count: Generated<number>
  diary_entry_id: string | null
  replied_at: Date | null
  closed_at: Date | null
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  version: Generated<number>
  /** Another platform's name for the case (source, external_id) is unique: imports update, never duplicate. */
  source: string | null
  external_id: string | null
  api_client_id: string | null
  place_id: string | null
  reporter_email: string | null
  address: string | null
  rating_comment: string | null
  rated_at: Date | null
}

export interface CaseSourcesTable {
  code: string
  name: string
  channel: string
  mapping: Json
  status_map: Json
  region_id: number | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface ApiClientsTable {
  id: Generated<string>
  name: string
  kind: 'open311' | 'push'
  key_hash: string
  key_prefix: string
  source_code: string | null
  region_id: number | null
  created_by: string | null
  created_at: Generated<Date>
  last_used_at: Date | null
  revoked_at: Date | null
}
export interface CaseEventsTable {
  id: Generated<string>
  case_id: string
  action: string
  actor_id: string | null
  at: Generated<Date>
  from_state: string | null
  to_state: string | null
  note: string | null
  data: Json
}
export interface CaseFilesTable {
  id: Generated<string>
  case_id: string
  event_id: string | null
  file_id: string
  created_at: Generated<Date>
}
export interface NotificationsTable {
  id: Generated<string>
  user_id: string
  kind: string
  title: string
  body: string | null
  case_id: string | null
  /** A notice about a 先锋任务 opens the task (issue 15). */
  task_id: Generated<string | null>
  read_at: Date | null
  created_at: Generated<Date>
}

/** 先锋任务 (issue 15; migrations 20261207070000_tasks, 20261207080000_task_core). */
export interface TasksTable {
  id: Generated<string>
  title: string
  description: Generated<string>
  region_id: number
  place: string | null
  starts_at: Date
  ends_at: Date
  slots: number
  claimed: Generated<number>
  audience: string
  skills: Generated<string[]>
  points: Generated<number>
  /** numeric(6,2): text from the driver */
  hours: Generated<string | number>
  case_id: string | null
  state: Generated<string>
  published_by: string
  /** `task`, or `wish` (微心愿: one slot, for `person_id`) */
  kind: Generated<string>
  person_id: string | null
  cancel_reason: string | null
  /** audience 'team': the team (migration 20261207081000_teams_activities) */
  team_id: Generated<string | null>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}
export interface TaskClaimsTable {
  task_id: string
  user_id: string
  state: Generated<string>
  claimed_at: Generated<Date>
  checkin_at: Date | null
  checkin_lat: number | null
  checkin_lng: number | null
  checkout_at: Date | null
  checkout_lat: number | null
  checkout_lng: number | null
  finished_at: Date | null
  report: string | null
  confirmed_at: Date | null
  confirmed_by: string | null
  hours: Generated<string | number>
  points: Generated<number>
}
export interface TaskEventsTable {
  id: Generated<string>
  task_id: string
  user_id: string | null
  action: string
  actor_id: string | null
  at: Generated<Date>
  data: Json
}
export interface TaskPhotosTable {
  id: Generated<string>
  task_id: string
  user_id: string
  file_id: string
  reported: Generated<boolean>
  created_at: Generated<Date>
}

/** 民情分析会 weekly reports (issue 16; migration 20261207087000_weekly_reports): one per region and ISO week. */
export interface WeeklyReportsTable {
  region_id: number
  week: string
  data: unknown
  generated_at: Generated<Date>
  generated_by: string | null
  notified_at: Date | null
}

/** The county's 值班 roster (issue 14; migration 20261207083000_duty_brain_labels). */
export interface DutyRosterTable {
  county_id: number
  /** A calendar day (Asia/Shanghai), as the driver returns a `date`. */
  day: string
  user_id: string
  created_by: string | null
  created_at: Generated<Date>
}
/** Categories dispatchers confirmed or corrected, as labelled examples for the classifier (issue 14). */
export interface BrainLabelsTable {
  id: Generated<string>
  case_id: string | null
  category_code: string
  tokens: string[]
  created_by: string | null
  created_at: Generated<Date>
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
  tags: TagsTable
  households: HouseholdsTable
  persons: PersonsTable
  person_tags: PersonTagsTable
  household_tags: HouseholdTagsTable
  enterprises: EnterprisesTable
  enterprise_team: EnterpriseTeamTable
  places: PlacesTable
  documents: DocumentsTable
  archive_history: ArchiveHistoryTable
  import_jobs: ImportJobsTable
  diary_entries: DiaryEntriesTable
  diary_photos: DiaryPhotosTable
  diary_concerns: DiaryConcernsTable
  diary_comments: DiaryCommentsTable
  visit_rules: VisitRulesTable
  visit_days: VisitDaysTable
  categories: CategoriesTable
  routing_rules: RoutingRulesTable
  cases: CasesTable
  case_events: CaseEventsTable
  case_files: CaseFilesTable
  notifications: NotificationsTable
  tasks: TasksTable
  task_claims: TaskClaimsTable
  task_events: TaskEventsTable
  task_photos: TaskPhotosTable
  case_sources: CaseSourcesTable
  api_clients: ApiClientsTable
  weekly_reports: WeeklyReportsTable
  duty_roster: DutyRosterTable
  brain_labels: BrainLabelsTable
}

export type RegionRow = Selectable<RegionsTable>
export type UnitRow = Selectable<UnitsTable>
export type UserRow = Selectable<UsersTable>

/** What a repository function runs on: the database, or a transaction a service opened. */
export type Executor = Kysely<DB> | Transaction<DB>
