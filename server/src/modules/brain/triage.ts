// Urgency triage (issue 14): the emergency signals kept as data (corpus/emergency.tsv), matched with care for
// negation. What matches raises a case to `emergency` at intake and pushes it at once (triage.service.ts).
import { brainDataFile } from './data.ts'

interface Signal {
  name: string
  re: RegExp
  winterOnly: boolean
}

let signals: Signal[] | undefined

function load(): Signal[] {
  const text = brainDataFile('corpus/emergency.tsv')
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [name, pattern, when] = l.split('\t')
      return { name: name.trim(), re: new RegExp(pattern.trim(), 'gu'), winterOnly: when?.trim() === 'winter' }
    })
}

/** Words that, right before a signal, say it did not happen (没有着火, 未发生泄漏, 不是火灾, 防止溺水). */
const NEGATION = /(没有|没|无|未|不是|并非|不会|防止|预防|谨防|以防)[^。!?！？,，;；]{0,3}$/u

/** Words that, right after a signal, make it a hazard or a topic rather than an event (火灾隐患, 溺水风险, 爆炸物品). */
const NOT_AN_EVENT = /^[^。!?！？,，;；]{0,2}(隐患|风险|安全|预防|演练|报警器|事故隐患|物品|宣传|知识|教育)/u

/** November–March in Asia/Shanghai: when a cut of power or water is an emergency (heating, frozen pipes, the old). */
function isWinter(at: Date): boolean {
  const month = new Date(at.getTime() + 8 * 3600_000).getUTCMonth() + 1
  return month >= 11 || month <= 3
}

/** The emergency signals a text carries (names, in the data file's order); none → []. */
export function emergencySignals(text: string, at: Date = new Date()): string[] {
  signals ??= load()
  const s = text.normalize('NFKC')
  const winter = isWinter(at)
  const found: string[] = []
  for (const sig of signals) {
    if (sig.winterOnly && !winter) continue
    sig.re.lastIndex = 0
    for (const m of s.matchAll(sig.re)) {
      if (NEGATION.test(s.slice(Math.max(0, m.index - 6), m.index))) continue
      if (NOT_AN_EVENT.test(s.slice(m.index + m[0].length, m.index + m[0].length + 8))) continue
      found.push(sig.name)
      break
    }
  }
  return found
}
