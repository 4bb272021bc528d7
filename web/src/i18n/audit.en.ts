import type { auditZhCN } from './audit.zh-CN.ts'

/** Audit page messages, English. Spread into en.ts (`...auditEn`). */
export const auditEn: typeof auditZhCN = {
  audit: {
    nav: 'Audit log',
    title: 'Audit log',
    intro:
      'Who revealed which resident’s full numbers, who exported or imported what, who changed which setting. Only rows of your area are shown; county-wide settings and logins are for county-level users.',
    person: 'Person',
    personPlaceholder: 'Search a person by name',
    actor: 'User',
    actorPlaceholder: 'User name or phone',
    group: 'Kind',
    timeRange: 'Time range',
    from: 'From',
    to: 'To',
    at: 'Time',
    action: 'Action',
    entity: 'Object',
    region: 'Region',
    ip: 'IP address',
    details: 'Details',
    system: 'System',
    filteredByPerson: 'Access records of {name}',
    clearPerson: 'Clear',
    viewRecords: 'Access log',
    noDetails: 'None',
    groups: {
      reveal: 'Reveals',
      export: 'Exports / downloads',
      import: 'Imports',
      user: 'User admin',
      security: 'Login & security',
      setting: 'Setting changes',
      other: 'Other',
    },
    // Nested by the action's dots: t(`audit.actions.${action}`) finds them.
    actions: {
      archive: {
        reveal: 'Revealed full number',
        lookup: 'Looked up by number',
        export: 'Exported archive',
        import: 'Imported archive',
        person_create: 'Person filed',
        person_update: 'Person changed',
        person_import: 'Person imported',
        document_download: 'Downloaded document',
        lookup_refused: 'Lookup refused (limit)',
        id_duplicate: 'ID number held elsewhere',
      },
      import: {
        report: {
          download: 'Downloaded import report',
        },
      },
      cases: {
        import: 'Imported cases',
      },
      user: {
        create: 'Created user',
        update: 'Changed user',
      },
      auth: {
        login: 'Signed in',
        password_change: 'Changed password',
      },
      category: {
        create: 'Created category',
        update: 'Changed category',
      },
      routing_rule: {
        upsert: 'Set routing rule',
      },
      region: {
        create: 'Created grid',
        rename: 'Renamed region',
      },
      unit: {
        create: 'Created unit',
        update: 'Changed unit',
      },
      tag: {
        create: 'Created tag',
      },
      visits: {
        rule_update: 'Changed visit rule',
        day_schedule: 'Scheduled visit day',
      },
      intake: {
        open311_key: {
          create: 'Issued Open311 key',
          revoke: 'Revoked Open311 key',
        },
        push_key: {
          create: 'Issued push key',
          revoke: 'Revoked push key',
        },
        source: {
          create: 'Created case source',
          update: 'Changed case source',
          mapping: 'Saved column mapping',
        },
      },
      diary: {
        review: 'Reviewed diary',
      },
    },
    entities: {
      person: 'Person',
      household: 'Household',
      user: 'User',
      unit: 'Unit',
      region: 'Region',
      category: 'Category',
      routing_rule: 'Routing rule',
      tag: 'Tag',
      visit_rule: 'Visit rule',
      visit_day: 'Visit day',
      api_client: 'API key',
      case_source: 'Case source',
      import_job: 'Import job',
      diary: 'Diary',
    },
  },
}
