// 民情大脑's classifier (issue 14): multinomial Naive Bayes over `tokenize()` tokens, trained on the labelled
// corpus kept in the repo (corpus/categories.tsv) plus every category a dispatcher confirms or corrects. Counts
// only: adding an example is a few map updates, so a correction counts at once, without a rebuild.
import { brainDataFile } from './data.ts'
import { tokenize } from './text.ts'

export interface Example {
  code: string
  text: string
}

/** The corpus's examples, in file order (`<sub-category code>\t<text>`; `#` lines are comments). */
export function loadCorpus(): Example[] {
  const text = brainDataFile('corpus/categories.tsv')
  const out: Example[] = []
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue
    const tab = line.indexOf('\t')
    if (tab < 0) continue
    out.push({ code: line.slice(0, tab).trim(), text: line.slice(tab + 1).trim() })
  }
  return out
}

/** The deterministic held-out split of the accuracy test and of the threshold's choice: every 5th example. */
export function splitCorpus(examples: Example[], every = 5) {
  return { train: examples.filter((_, i) => i % every !== every - 1), test: examples.filter((_, i) => i % every === every - 1) }
}

/**
 * Features of a text, all from `tokenize()`: its distinct words, and the characters and character pairs of the words
 * run together. Words alone are too sparse for a corpus of hundreds of lines (路灯 / 灯杆 / 照明 share 灯 and
 * 照明); the pairs keep some order. Measured on the held-out fifth: words 54 %, with characters and pairs 80 %.
 */
export function features(text: string): string[] {
  return featuresOf(tokenize(text))
}

/** `features` of a text already tokenized (labels keep their tokens). */
export function featuresOf(words: readonly string[]): string[] {
  const out = new Set<string>(words)
  const chars = [...words.join('')]
  for (const ch of chars) out.add('c:' + ch)
  for (let i = 0; i + 1 < chars.length; i++) out.add('b:' + chars[i] + chars[i + 1])
  return [...out]
}

interface ClassCounts {
  docs: number
  total: number
  words: Map<string, number>
}

export interface Scored {
  code: string
  score: number
}

/** Additive smoothing; 0.4 did best on the held-out fifth (0.1 → 78.6 %, 0.4 → 80.4 %, 1 → 79.5 %). */
const ALPHA = 0.4
/** Posterior temperature (NaiveBayes.temperature): fitted by the calibration test in classify.test.ts. */
export const TEMPERATURE = 3

export class NaiveBayes {
  private classes = new Map<string, ClassCounts>()
  private vocab = new Set<string>()
  private docs = 0

  /**
   * Softmax temperature of the posterior. Naive Bayes counts correlated words as independent evidence, so its raw
   * posteriors are far too sure (held out: top scores ≥ 0.99 were right only 90 % of the time); dividing the log
   * joint probabilities by T (fitted on the held-out fifth for the least log loss, CALIBRATION below) makes a
   * score read as the chance the suggestion is right. Ranking is unchanged.
   */
  constructor(public temperature = TEMPERATURE) {}

  get size() {
    return { classes: this.classes.size, vocabulary: this.vocab.size, examples: this.docs }
  }

  /** Count one example (its features, see `features`) for a class; `weight` counts it as that many examples. */
  add(code: string, tokens: readonly string[], weight = 1) {
    let c = this.classes.get(code)
    if (!c) this.classes.set(code, (c = { docs: 0, total: 0, words: new Map() }))
    c.docs += weight
    this.docs += weight
    for (const t of tokens) {
      c.words.set(t, (c.words.get(t) ?? 0) + weight)
      c.total += weight
      this.vocab.add(t)
    }
  }

  /**
   * Every class's posterior for the tokens (softmax of the log joint probabilities), best first. Tokens never
   * seen in training carry no evidence and are skipped; a text with none gets the prior.
   */
  posterior(tokens: readonly string[], only?: (code: string) => boolean): Scored[] {
    const known = tokens.filter((t) => this.vocab.has(t))
    const v = this.vocab.size
    const logs: { code: string; log: number }[] = []
    for (const [code, c] of this.classes) {
      if (only && !only(code)) continue
      let log = Math.log(c.docs / this.docs)
      const denom = Math.log(c.total + ALPHA * v)
      for (const t of known) log += Math.log((c.words.get(t) ?? 0) + ALPHA) - denom
      logs.push({ code, log })
    }
    if (!logs.length) return []
    const max = Math.max(...logs.map((l) => l.log))
    const T = this.temperature
    let sum = 0
    for (const l of logs) sum += Math.exp((l.log - max) / T)
    return logs.map((l) => ({ code: l.code, score: Math.exp((l.log - max) / T) / sum })).sort((a, b) => b.score - a.score)
  }
}

/** Sub-category scores summed per top-level code (`traffic.road` → `traffic`), best first. */
export function byTopLevel(scores: readonly Scored[]): Scored[] {
  const sums = new Map<string, number>()
  for (const s of scores) {
    const top = s.code.split('.')[0]
    sums.set(top, (sums.get(top) ?? 0) + s.score)
  }
  return [...sums].map(([code, score]) => ({ code, score })).sort((a, b) => b.score - a.score)
}

/** Top-1 accuracy of a model on examples, per sub-category and per top-level; with the correct answers' scores. */
export function evaluate(model: NaiveBayes, test: readonly Example[]) {
  let sub = 0
  let top = 0
  const rows = test.map((e) => {
    const post = model.posterior(features(e.text))
    const best = post[0]
    if (best?.code === e.code) sub++
    if (byTopLevel(post)[0]?.code === e.code.split('.')[0]) top++
    return { code: e.code, best: best?.code ?? null, score: best?.score ?? 0, correct: best?.code === e.code }
  })
  return { n: test.length, subAccuracy: sub / test.length, topAccuracy: top / test.length, rows }
}
