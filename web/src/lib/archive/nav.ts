import { can, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '@minqing/common'

/** The roles that hold a permission (route guards speak roles; the archive speaks permissions). */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((r) => ROLE_PERMISSIONS[r]?.includes(permission))
}

export interface ArchiveNavItem {
  path: string
  labelKey: string
  testid: string
  permission: Permission
}

/** The 民情档案 sidebar group, in order; each entry needs its permission. */
export const ARCHIVE_NAV: readonly ArchiveNavItem[] = [
  { path: '/console/archive/households', labelKey: 'nav.archiveHouseholds', testid: 'nav-archive-households', permission: 'archive.read' },
  { path: '/console/archive/persons', labelKey: 'nav.archivePersons', testid: 'nav-archive-persons', permission: 'archive.read' },
  { path: '/console/archive/enterprises', labelKey: 'nav.archiveEnterprises', testid: 'nav-archive-enterprises', permission: 'archive.read' },
  { path: '/console/archive/places', labelKey: 'nav.archivePlaces', testid: 'nav-archive-places', permission: 'archive.read' },
  { path: '/console/archive/import', labelKey: 'nav.archiveImport', testid: 'nav-archive-import', permission: 'archive.import' },
  { path: '/console/archive/tags', labelKey: 'nav.archiveTags', testid: 'nav-archive-tags', permission: 'tags.manage' },
]

/** What of the archive group a user sees: nothing at all without archive.read. */
export function archiveNav(roles: readonly Role[]): ArchiveNavItem[] {
  if (!can(roles, 'archive.read')) return []
  return ARCHIVE_NAV.filter((item) => can(roles, item.permission))
}

/** What the archive screens let a user do (buttons are hidden, not just disabled, without the permission). */
export interface ArchiveAbilities {
  read: boolean
  write: boolean
  import: boolean
  reveal: boolean
  manageTags: boolean
}
export function archiveAbilities(roles: readonly Role[]): ArchiveAbilities {
  return {
    read: can(roles, 'archive.read'),
    write: can(roles, 'archive.write'),
    import: can(roles, 'archive.import'),
    reveal: can(roles, 'archive.reveal'),
    manageTags: can(roles, 'tags.manage'),
  }
}
