import { regionPathLabel, type RegionStep } from '../lib/regionPath.ts'
import { useAuthStore } from '../stores/auth.ts'

/** A case's region as the signed-in user should read it: the path from their own level down (regionPathLabel). */
export function useRegionPath() {
  const auth = useAuthStore()
  return (c: { regionName: string; regionPath?: readonly RegionStep[] }) => regionPathLabel(c.regionPath, auth.user?.regionCode, c.regionName)
}
