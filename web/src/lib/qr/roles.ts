import type { Role } from '@minqing/common'
import { rolesWith } from '../archive/nav.ts'

/**
 * Who prints 民情码 posters: everyone who works cases in an area (the server serves a region's code to any signed-in
 * user in whose area it lies; places need archive access, so their tab shows only with it).
 */
export const QR_ROLES: Role[] = rolesWith('cases.raise')
export const QR_PLACE_ROLES: Role[] = rolesWith('archive.read')
