/** Bundle the server unless the stamp matches its sources; resolves to the bundle's file URL. */
export function ensureServerBuilt(opts?: { force?: boolean; log?: (m: string) => void; dist?: string }): Promise<string>
