import { useI18n } from 'vue-i18n'
import type { CaseEvent } from '@minqing/common'
import { dueInfo, eventActorKey, eventFacts, formatDuration, type DueInfo } from './format.ts'

/** The case screens' labels in the current language (states, actions, levels, due times…). */
export function useCaseLabels() {
  const { t, te, locale } = useI18n()
  const label = (group: string, value: string | null | undefined) => {
    if (!value) return '—'
    const key = `cases.${group}.${value}`
    return te(key) ? t(key) : value
  }
  /** `剩余 2天3小时` / `超时 5小时` / `计时暂停` / '—'. */
  function dueText(info: DueInfo): string {
    if (info.kind === 'none' || info.kind === 'done' || info.remainingMs === null) return ''
    if (info.kind === 'paused') return t('cases.due.paused')
    const d = formatDuration(info.remainingMs, String(locale.value))
    return info.remainingMs < 0 || info.kind === 'overdue' ? t('cases.due.over', { d }) : t('cases.due.left', { d })
  }
  return {
    state: (v: string | null | undefined) => label('state', v),
    action: (v: string | null | undefined) => label('action', v),
    event: (v: string | null | undefined) => label('event', v),
    /** Who acted on an event: a user's name, 反映群众 (the resident's tracking code) or 系统. */
    actor: (e: Pick<CaseEvent, 'actor' | 'data'>) => {
      const who = eventActorKey(e)
      return typeof who === 'string' ? t(`cases.${who}`) : who.name
    },
    level: (v: string | null | undefined) => label('level', v),
    urgency: (v: string | null | undefined) => label('urgency', v),
    channel: (v: string | null | undefined) => label('channel', v),
    rating: (v: string | null | undefined) => label('rating', v),
    supervision: (v: string | null | undefined) => label('supervision', v),
    rejectKind: (v: string | null | undefined) => label('rejectKind', v),
    reporterKind: (v: string | null | undefined) => label('reporterKind', v),
    queue: (v: string) => label('queue', v),
    dueInfo,
    dueText,
    /** The facts of a timeline event, translated. */
    facts: (e: Pick<CaseEvent, 'action' | 'data'>) => eventFacts(e).map((f) => ({ label: t(`cases.fact.${f.key}`), value: f.tKey && te(f.tKey) ? t(f.tKey) : f.value, key: f.key })),
  }
}
