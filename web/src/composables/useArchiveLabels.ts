import { useI18n } from 'vue-i18n'
import { formatHistoryValue, kindKey } from '../lib/archive/format.ts'
import { problemKey } from '../lib/archive/forms.ts'
import { useArchiveTagsStore } from '../stores/archiveTags.ts'

/**
 * Labels of the archive's values in the current language. The enums (relations, place kinds…) are Chinese
 * words stored as they are; an unknown value (free text, a new server code) is shown as it came.
 */
export function useArchiveLabels() {
  const { t, te } = useI18n()
  const label = (key: string, value: string | null | undefined, fallback = '—') => {
    if (value === null || value === undefined || value === '') return fallback
    const k = `${key}.${kindKey(value)}`
    return te(k) ? t(k) : value
  }
  // Chinese values are keys as they are (kindKey would turn them into underscores).
  const enumLabel = (key: string, value: string | null | undefined) => {
    if (value === null || value === undefined || value === '') return '—'
    const k = `${key}.${value}`
    return te(k) ? t(k) : value
  }
  return {
    relation: (v: string | null | undefined) => enumLabel('archive.relations', v),
    politicalStatus: (v: string | null | undefined) => enumLabel('archive.politicalStatuses', v),
    placeKind: (v: string | null | undefined) => enumLabel('archive.placeKinds', v),
    documentKind: (v: string | null | undefined) => enumLabel('archive.documentKinds', v),
    gender: (v: string | null | undefined) => label('archive.gender', v),
    size: (v: string | null | undefined) => label('archive.enterprise.sizes', v),
    appliesTo: (v: string | null | undefined) => label('archive.tag.appliesToValues', v),
    field: (v: string) => label('archive.fields', v.split('.')[0], v) + (v.includes('.') ? ` · ${v.split('.').slice(1).join('.')}` : ''),
    historyAction: (v: string) => label('archive.history.actions', v, v),
    historyEntity: (v: string) => label('archive.history.entities', v, v),
    timelineKind: (v: string) => label('archive.timeline.kinds', v, v),
    importStatus: (v: string) => label('archive.import.status', v, v),
    resultKey: (v: string) => label('archive.import.resultKeys', v, v),
    yesNo: (v: boolean | null | undefined) => (v === null || v === undefined ? t('archive.unknownValue') : v ? t('common.yes') : t('common.no')),
  }
}

/** A shared validator's problem (Chinese) in the UI's language. */
export function useProblemText() {
  const { t } = useI18n()
  return (problem: string | null): string | null => {
    if (!problem) return null
    const key = problemKey(problem)
    return key ? t(key) : problem
  }
}

const HOUSE_KEYS: Record<string, string> = {
  type: 'archive.household.houseType',
  floors: 'archive.household.floors',
  areaM2: 'archive.household.areaM2',
  builtYear: 'archive.household.builtYear',
  ownership: 'archive.household.ownership',
}

/**
 * A history value as text for its field: genders, relations, tags (codes → names), yes/no, house facts with
 * their labels; a reference to a household by its address when it is known.
 */
export function useHistoryValue(knownHouseholds: () => Record<string, string> = () => ({})) {
  const { t } = useI18n()
  const labels = useArchiveLabels()
  const tags = useArchiveTagsStore()
  void tags.ensureLoaded()
  return (field: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—'
    if (typeof v === 'boolean') return labels.yesNo(v)
    if (field === 'gender' && typeof v === 'string') return labels.gender(v)
    if (field === 'relation' && typeof v === 'string') return labels.relation(v)
    if (field === 'politicalStatus' && typeof v === 'string') return labels.politicalStatus(v)
    if (field === 'tags' && Array.isArray(v)) return v.length ? v.map((r) => tags.byRef(String(r))?.name ?? String(r)).join('、') : '—'
    if ((field === 'household' || field === 'householdId') && typeof v === 'string') return knownHouseholds()[v] ?? v.slice(0, 8)
    if (field === 'house' && v && typeof v === 'object' && !Array.isArray(v)) {
      const parts = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null && x !== undefined && x !== '')
        .map(([k, x]) => `${HOUSE_KEYS[k] ? t(HOUSE_KEYS[k]) : k} ${formatHistoryValue(x)}`)
      return parts.length ? parts.join('，') : '—'
    }
    return formatHistoryValue(v)
  }
}
