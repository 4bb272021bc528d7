import type { Region } from '@minqing/common'

/** What the mobile region picker emits. */
export interface PickedRegion {
  code: string
  name: string
  level: Region['level']
}
