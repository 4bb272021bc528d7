// How alike two texts are, for "is this already an open case?" on the way in. Character bigrams suit
// Chinese without a segmenter (路灯不亮 / 路灯坏了不亮 share 路灯, 不亮); the brain issue can replace this one
// function with something sharper (jieba keywords, embeddings) without touching its callers.

/** The distinct character bigrams of a text: letters, digits and CJK only, case-folded. */
function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')]
  const out = new Set<string>()
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
  if (chars.length === 1) out.add(chars[0])
  return out
}

const cosine = (a: Set<string>, b: Set<string>) => {
  if (a.size === 0 || b.size === 0) return 0
  let shared = 0
  for (const g of a) if (b.has(g)) shared++
  return shared / Math.sqrt(a.size * b.size)
}

/**
 * 0…1: the new report's text against a case's title and against its title and description together (a
 * caller's few words often match a title better than a long description), the better of the two.
 */
export function textSimilarity(text: string, title: string, description: string): number {
  const q = bigrams(text)
  return Math.max(cosine(q, bigrams(title)), cosine(q, bigrams(`${title} ${description}`)))
}

/** Below this, two reports are not worth showing side by side. */
export const SIMILAR_THRESHOLD = 0.3
