import { brainDataFile } from './data.ts'

// What "alike" means for similar cases and 一类事: a text's words, plus the characters of its words at a lower
// weight, each weighted by how rare it is (IDF over every indexed text). Characters carry what different wordings
// of one matter share when jieba cuts them differently (道路太窄 / 路很窄 / 村道狭窄 share 窄 and 路·道), words
// carry the rest; rare ones count most, so 窄 outweighs 村.

/** Characters too common or too empty to say what a text is about. */
const STOP_CHARS = new Set([...'的了在是有没不也还又再就都把被让给得着过去来到说很太要好多少大小一二两三几个些点人里上下中年月日天时我你他她它们这那想能请及和与或但已经被对向从为'])
const CJK = /\p{Script=Han}/u

/** Weight of a whole word and of a character taken from a word. */
const WORD_WEIGHT = 1
const CHAR_WEIGHT = 0.5

let concepts: Map<string, string> | undefined
/** word → its concept (dict/synonyms.txt): the first word of the group it belongs to. */
function conceptOf(): Map<string, string> {
  if (!concepts) {
    concepts = new Map()
    const text = brainDataFile('dict/synonyms.txt')
    for (const line of text.split('\n')) {
      const words = line.trim().split(/\s+/)
      if (!words[0] || words[0].startsWith('#')) continue
      for (const w of words) concepts.set(w, words[0])
    }
  }
  return concepts
}

/** The features of a text's tokens (brain_docs.tokens): words of two or more characters,
 * `=` + the concept of a word in a synonym group, and `#` + each content character. */
export function features(tokens: readonly string[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const t of tokens) {
    const chars = [...t]
    if (chars.length >= 2) out.set(t, WORD_WEIGHT)
    const concept = conceptOf().get(t)
    if (concept) out.set('=' + concept, WORD_WEIGHT)
    for (const c of chars) if (CJK.test(c) && !STOP_CHARS.has(c) && !out.has('#' + c)) out.set('#' + c, CHAR_WEIGHT)
  }
  return out
}

/** Inverse document frequency, smoothed: a feature in every text still counts a little, an unseen one the most. */
export const idf = (df: number, n: number) => Math.log(1 + (n + 1) / (df + 1))
