// The text pipeline of 民情大脑: jieba segmentation with a governance user dictionary and stopwords. Every
// feature that reads words — hot words, classification, similar cases, clusters — gets them from here, so a
// word is the same word everywhere.
import { brainDataFile } from './data.ts'
import { Jieba } from '@node-rs/jieba'
import { dict, idf } from '@node-rs/jieba/dict.js'

const dataFile = (name: string) => brainDataFile(`dict/${name}`)

/** Non-comment, non-empty lines of a data file. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))

let jieba: Jieba | undefined
let stop: Set<string> | undefined

/** The user dictionary's words (governance and local words kept whole). */
export function userWords(): string[] {
  return lines(dataFile('user.dict.txt')).map((l) => l.split(/\s+/)[0])
}

let userTagMap: Map<string, string> | undefined
/** The user dictionary's words with their part of speech (`n` when the line names none). */
function userTags(): Map<string, string> {
  userTagMap ??= new Map(
    lines(dataFile('user.dict.txt')).map((l) => {
      const [word, , tag] = l.split(/\s+/)
      return [word, tag ?? 'n'] as const
    }),
  )
  return userTagMap
}

function segmenter(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict)
    j.loadDict(Buffer.from(lines(dataFile('user.dict.txt')).join('\n') + '\n'))
    jieba = j
  }
  return jieba
}

export function stopwords(): Set<string> {
  stop ??= new Set(lines(dataFile('stopwords.txt')))
  return stop
}

/** Longest text segmented; the rest is cut off (a case description is at most a few thousand characters). */
const MAX_CHARS = 20_000
const WORDLIKE = /[\p{L}\p{N}]/u
const NUMBER = /^[\p{N}.,:/-]+$/u

/** jieba's segmentation as is (punctuation and stopwords included): for display and tests. */
export function segment(text: string): string[] {
  return segmenter().cut(text.normalize('NFKC').slice(0, MAX_CHARS), true)
}

/**
 * The content words of a text, in order, repeats kept: NFKC-normalised, Latin lower-cased, without punctuation,
 * whitespace, bare numbers and stopwords. Single characters are kept (路, 桥, 狗 carry meaning for
 * classification); use `keywords` where only words of two or more characters should count.
 */
export function tokenize(text: string): string[] {
  if (!text) return []
  const s = stopwords()
  const out: string[] = []
  for (const raw of segment(text)) {
    const w = raw.trim().toLowerCase()
    if (!w || !WORDLIKE.test(w) || NUMBER.test(w) || s.has(w)) continue
    out.push(w)
  }
  return out
}

/** The distinct words of two or more characters: what hot words, similarity and clusters count. */
export function keywords(text: string): string[] {
  return [...new Set(tokenize(text).filter((w) => [...w].length >= 2))]
}

// ---- 热词: the words a leader reads as matters ----
//
// tokenize() keeps every content word because the classifier and similarity need them (走访, 今年, a hamlet's name
// all carry a little signal for a category). A hot word must be a matter on its own — 路灯不亮, 漏水, 香榧, 垃圾 —
// so the hot words get their own, stricter filter over the same tokens (the shared stoplist stays as it is):
//  - words of two or more characters, no digits (12号, 3月);
//  - not in hotword-stopwords.txt (what visit notes and case texts say about the work rather than the matter:
//    走访 了解 提醒 记录 按时 今年 群众反映 户主 …);
//  - not a place: a region's name or its stem (雅璜村, 雅璜; 三界镇, 三界), a place word of the user dictionary
//    (tagged `ns`: counties, towns, hamlets such as 上宅 下宅 大路), or a word jieba's dictionary tags `ns`;
//  - by part of speech (jieba's tag of the word alone): nouns, verbs, abbreviations and set phrases pass; time,
//    place and direction words, adverbs, numerals, pronouns, person names and words no dictionary knows (`x`: what
//    the HMM glued together — names of people, hamlets, firms far more often than matters) do not;
//  - not a word common in any Chinese text (jieba's IDF below COMMON_IDF: 知道 不能 孩子 政策 今年 …);
//  - words of the user dictionary pass the last two rules whatever their tag (but `ns`): someone chose them as
//    matters of 民情;
//  - a noun followed by a word of hotword-problems.txt (不亮, 漏水, 堵塞, 老化 …) also counts as the phrase
//    (路灯不亮, 屋顶漏水, 电线老化), besides each of its words that passes on its own (路灯; 屋顶, 漏水).

/** Parts of speech (jieba's ICTCLAS tags) a hot word may have: nouns, verbs, abbreviations, set phrases. */
const HOT_POS = new Set(['n', 'nz', 'ng', 'vn', 'v', 'vi', 'an', 'j', 'l'])
/** Parts of speech that may head a problem phrase (路灯 + 不亮). */
const PHRASE_HEAD_POS = new Set(['n', 'nz', 'ng', 'vn', 'j'])
const HAS_DIGIT = /\p{N}/u
/**
 * Below this inverse document frequency (jieba's IDF table, computed over general Chinese text) a word is common in
 * any text — 知道 4.0, 孩子 5.2, 政策 4.5, 今年 4.3, 了解 5.1, 担心 5.7 — and says nothing about a matter; matter words are
 * rarer in general text: 道路 6.0, 物业 6.7, 垃圾 8.0, 路灯 9.0, 漏水 9.7, 香榧 11.0.
 */
const COMMON_IDF = 6

let common: Set<string> | undefined
/** Words of jieba's IDF table below COMMON_IDF (a few thousand; the other 260,000 lines are not kept). */
function commonWords(): Set<string> {
  if (!common) {
    common = new Set()
    for (const line of Buffer.from(idf).toString('utf8').split('\n')) {
      const sp = line.lastIndexOf(' ')
      if (sp > 0 && Number(line.slice(sp + 1)) < COMMON_IDF) common.add(line.slice(0, sp))
    }
  }
  return common
}

let hotStop: Set<string> | undefined
let problemWords: Set<string> | undefined
const posCache = new Map<string, string>()

/** The hot words' own stoplist (on top of the shared one). */
function hotwordStopwords(): Set<string> {
  hotStop ??= new Set(lines(dataFile('hotword-stopwords.txt')))
  return hotStop
}

/** Words that name a problem when they follow the thing that has it (路灯 + 不亮). */
function problemWordList(): Set<string> {
  problemWords ??= new Set(lines(dataFile('hotword-problems.txt')))
  return problemWords
}

/**
 * A word's part of speech: its user-dictionary tag, else jieba's tag of the word alone; `x` when jieba's
 * dictionary does not know the word as a whole (the HMM found it, or it splits). Cached: words repeat.
 */
function posOf(word: string): string {
  const user = userTags().get(word)
  if (user) return user
  let tag = posCache.get(word)
  if (tag === undefined) {
    const t = segmenter().tag(word, false)
    tag = t.length === 1 && t[0].word === word ? t[0].tag : 'x'
    if (posCache.size > 200_000) posCache.clear()
    posCache.set(word, tag)
  }
  return tag
}

/** The words a region's name gives to the place filter: the name and its stem (雅璜村 → 雅璜, 鹿山街道 → 鹿山). */
export function placeWordsOf(name: string): string[] {
  const n = name.normalize('NFKC').trim().toLowerCase()
  const stem = n.replace(/(街道办事处|街道|社区|居委会|村委会|管委会|开发区|新区|自治县|县|市|区|镇|乡|村|网格|小区)$/u, '')
  return [...new Set([n, stem].filter((w) => [...w].length >= 2))]
}

/** Whether a word (one token) can be a hot word on its own. `places`: the region names' words (placeWordsOf). */
function isHotword(word: string, places: ReadonlySet<string>): boolean {
  if ([...word].length < 2 || HAS_DIGIT.test(word)) return false
  if (hotwordStopwords().has(word) || places.has(word)) return false
  const pos = posOf(word)
  if (pos === 'ns') return false
  return userTags().has(word) || (HOT_POS.has(pos) && !commonWords().has(word))
}

/**
 * The hot words of a text from its tokens (tokenize()'s output, in order): distinct matter words and problem
 * phrases, by the rules above.
 */
export function hotwords(tokens: string[], places: ReadonlySet<string>): string[] {
  const out = new Set<string>()
  const problems = problemWordList()
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]
    const ok = isHotword(w, places)
    if (ok) out.add(w)
    const next = tokens[i + 1]
    if (ok && next !== undefined && problems.has(next) && !problems.has(w) && PHRASE_HEAD_POS.has(posOf(w))) out.add(w + next)
  }
  return [...out]
}

/** What the hot-word filter depends on besides the regions' names: its rules' version and its word lists. */
export function hotwordFilterSignature(): string {
  return ['hotwords/2', ...['hotword-stopwords.txt', 'hotword-problems.txt', 'user.dict.txt'].map((f) => dataFile(f))].join('\u0000')
}

/** The tokens a problem phrase was made of (路灯不亮 → 路灯, 不亮); a plain word is its own only part. */
export function hotwordParts(word: string): string[] {
  for (const p of problemWordList())
    if (word.length > p.length && word.endsWith(p)) {
      const head = word.slice(0, -p.length)
      if ([...head].length >= 2) return [head, p]
    }
  return [word]
}
