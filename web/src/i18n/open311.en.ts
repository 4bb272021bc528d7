import type { open311ZhCN } from './open311.zh-CN.ts'

/** Same keys as the Chinese file, string values (a missing key fails typecheck). */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> }

/** Open311 access (API keys for other systems) messages, English. Spread into en.ts (`...open311En`). */
export const open311En: Shape<typeof open311ZhCN> = {
  open311: {
    nav: 'Open311 access',
    title: 'Open311 access',
    intro:
      'Other systems (FixMyStreet-style apps, mini programs) report cases and follow their progress through the Open311 GeoReport v2 standard. Each client has its own API key; its reports land in the key’s region.',
    discovery: 'Discovery',
    endpoint: 'Endpoint',
    docs: 'See “Open311 GeoReport v2” in docs/api.md',
    keys: 'API keys',
    create: 'New key',
    name: 'Client name',
    namePlaceholder: 'e.g. Shengzhou FixMyStreet',
    region: 'Region',
    regionHint: 'Defaults to your own region; every report through this key lands inside it',
    prefix: 'Key prefix',
    createdAt: 'Issued',
    lastUsedAt: 'Last used',
    never: 'Never',
    status: 'Status',
    active: 'Active',
    revoked: 'Revoked',
    revokedAt: 'Revoked {at}',
    revoke: 'Revoke',
    revokeConfirm: 'Systems using the key “{name}” ({prefix}…) will be refused at once. Revoke it?',
    revokedOk: 'Key revoked',
    createdTitle: 'Key issued',
    createdWarning: 'The key is shown only this once: copy it now and hand it to the client safely. It cannot be shown again.',
    copy: 'Copy key',
    copied: 'Copied',
    copyFailed: 'Could not copy; select the key and copy it by hand',
    empty: 'No keys issued yet',
    nameRequired: 'Enter the client’s name',
  },
}
