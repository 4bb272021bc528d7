// 民情大脑 classification per text (issue 14) at million-case scale, beside a same-run baseline (the machines are
// shared and noisy: read the ratio, not the milliseconds).
//  - model: the repo's corpus plus BENCH_LABELS (default 1,000,000) dispatcher labels. What the model size does to
//    a classification is the vocabulary (per-class maps) and the class count, not the number of rows: the labels are
//    made from the corpus's own lines with a few random words of other lines mixed in, so the vocabulary grows the
//    way real wording would;
//  - classify: features (tokenize + characters + pairs) and the posterior over all classes, top 3, for
//    BENCH_TEXTS (default 5,000) held-out texts;                                        [goal < 2 ms per text]
//  - baseline: jieba's tokenize() alone on the same texts (the floor every word feature pays).
import { performance } from 'node:perf_hooks'
import { featuresOf, loadCorpus, NaiveBayes } from '../server/src/modules/brain/classifier.ts'
import { LABEL_WEIGHT } from '../server/src/modules/brain/classify.service.ts'
import { tokenize } from '../server/src/modules/brain/text.ts'

const LABELS = Number(process.env.BENCH_LABELS ?? 1_000_000)
const TEXTS = Number(process.env.BENCH_TEXTS ?? 5_000)

let seed = 42
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31

const corpus = loadCorpus()
const tokenized = corpus.map((e) => ({ code: e.code, words: tokenize(e.text) }))
const model = new NaiveBayes()
const t0 = performance.now()
for (const e of tokenized) model.add(e.code, featuresOf(e.words))
for (let i = 0; i < LABELS; i++) {
  const base = tokenized[Math.floor(rand() * tokenized.length)]
  const other = tokenized[Math.floor(rand() * tokenized.length)].words
  const words = [...base.words.filter(() => rand() > 0.2), ...other.slice(0, 1 + Math.floor(rand() * 2)), `地名${Math.floor(rand() * 5000)}`]
  model.add(base.code, featuresOf(words), LABEL_WEIGHT)
}
const trainMs = performance.now() - t0
console.log(`model: ${JSON.stringify(model.size)} (corpus ${corpus.length} + ${LABELS.toLocaleString()} labels), built in ${(trainMs / 1000).toFixed(1)} s`)

const texts = Array.from({ length: TEXTS }, (_, i) => `${corpus[i % corpus.length].text}${i % 7 === 0 ? ',请尽快处理' : ''}${i}`)
// Warm up both paths (JIT, jieba's dictionary).
for (const t of texts.slice(0, 200)) model.posterior(featuresOf(tokenize(t))).slice(0, 3)

let s = performance.now()
for (const t of texts) tokenize(t)
const baseline = (performance.now() - s) / TEXTS
s = performance.now()
let sink = 0
for (const t of texts) sink += model.posterior(featuresOf(tokenize(t))).slice(0, 3)[0].score
const classify = (performance.now() - s) / TEXTS
console.log(`baseline tokenize(): ${baseline.toFixed(3)} ms/text`)
console.log(`classify (top 3):    ${classify.toFixed(3)} ms/text  (${(classify / baseline).toFixed(1)}× the baseline)  [goal < 2 ms] ${classify < 2 ? 'OK' : 'MISSED'}`)
if (sink < 0) console.log(sink)
