/** The category tree on screen: cascader options, paths, keyword suggestions and the admin form. */
import type { CaseLevel, Category } from '@minqing/common'
import type { CategoryInput, CategoryPatch } from '../../api/cases.ts'

export interface CategoryNode extends Category {
  children: CategoryNode[]
}

/** The flat list as a tree (server order kept; a child whose parent is unknown becomes a root). */
export function categoryTree(list: readonly Category[], opts: { activeOnly?: boolean } = {}): CategoryNode[] {
  const items = opts.activeOnly ? list.filter((c) => c.active) : list
  const nodes = new Map<string, CategoryNode>(items.map((c) => [c.code, { ...c, children: [] }]))
  const roots: CategoryNode[] = []
  for (const c of items) {
    const node = nodes.get(c.code)!
    const parent = c.parentCode ? nodes.get(c.parentCode) : undefined
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

export interface CascaderOption {
  value: string
  label: string
  children?: CascaderOption[]
}
/** Options for el-cascader / van-cascader (leaves have no `children`). */
export function cascaderOptions(tree: readonly CategoryNode[]): CascaderOption[] {
  return tree.map((n) => (n.children.length ? { value: n.code, label: n.name, children: cascaderOptions(n.children) } : { value: n.code, label: n.name }))
}

/** Codes from the root down to `code` (what a cascader's v-model wants); [] when unknown. */
export function categoryPath(list: readonly Category[], code: string | null | undefined): string[] {
  if (!code) return []
  const byCode = new Map(list.map((c) => [c.code, c]))
  const path: string[] = []
  let cur = byCode.get(code)
  const seen = new Set<string>()
  while (cur && !seen.has(cur.code)) {
    seen.add(cur.code)
    path.unshift(cur.code)
    cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined
  }
  return path
}

/** `道路交通 / 路灯故障`. */
export function categoryLabel(list: readonly Category[], code: string | null | undefined): string {
  const byCode = new Map(list.map((c) => [c.code, c.name]))
  return categoryPath(list, code)
    .map((c) => byCode.get(c) ?? c)
    .join(' / ')
}

// Category suggestions come from the 民情大脑's classifier: composables/useBrainSuggestions.ts (issue 14).

/** `路灯，不亮 坑洼、破损` → ['路灯', '不亮', '坑洼', '破损'] (commas, 、, spaces; duplicates dropped). */
export function parseKeywords(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，、;；\s]+/)
        .map((w) => w.trim())
        .filter(Boolean),
    ),
  ]
}

// ---- admin form ------------------------------------------------------------------------
export interface CategoryFormState {
  code: string
  name: string
  parentCode: string | null
  defaultLevel: CaseLevel
  defaultUnitId: string | null
  normalDays: number
  urgentDays: number
  emergencyHours: number
  keywords: string
}

export function emptyCategoryForm(parentCode: string | null = null, parent?: Category): CategoryFormState {
  return {
    code: parent ? `${parent.code}.` : '',
    name: '',
    parentCode,
    defaultLevel: parent?.defaultLevel ?? 'village',
    defaultUnitId: null,
    normalDays: parent?.limits.normalDays ?? 10,
    urgentDays: parent?.limits.urgentDays ?? 5,
    emergencyHours: parent?.limits.emergencyHours ?? 24,
    keywords: '',
  }
}

export function categoryToForm(c: Category): CategoryFormState {
  return {
    code: c.code,
    name: c.name,
    parentCode: c.parentCode,
    defaultLevel: c.defaultLevel,
    defaultUnitId: c.defaultUnitId,
    normalDays: c.limits.normalDays,
    urgentDays: c.limits.urgentDays,
    emergencyHours: c.limits.emergencyHours,
    keywords: c.keywords.join('，'),
  }
}

/** The category code the server takes: lower-case letter first, then letters, digits, `_` and `.`. */
export const CATEGORY_CODE = /^[a-z][a-z0-9_.]{1,40}$/

export function buildCreateCategory(f: CategoryFormState): CategoryInput {
  return {
    code: f.code.trim(),
    name: f.name.trim(),
    parentCode: f.parentCode || null,
    defaultLevel: f.defaultLevel,
    defaultUnitId: f.defaultUnitId || null,
    limits: { normalDays: f.normalDays, urgentDays: f.urgentDays, emergencyHours: f.emergencyHours },
    keywords: parseKeywords(f.keywords),
  }
}

/** Only what changed (empty: nothing to save). */
export function buildCategoryPatch(original: Category, f: CategoryFormState): CategoryPatch {
  const patch: CategoryPatch = {}
  if (f.name.trim() !== original.name) patch.name = f.name.trim()
  if ((f.parentCode || null) !== original.parentCode) patch.parentCode = f.parentCode || null
  if (f.defaultLevel !== original.defaultLevel) patch.defaultLevel = f.defaultLevel
  if ((f.defaultUnitId || null) !== original.defaultUnitId) patch.defaultUnitId = f.defaultUnitId || null
  const l = original.limits
  if (f.normalDays !== l.normalDays || f.urgentDays !== l.urgentDays || f.emergencyHours !== l.emergencyHours)
    patch.limits = { normalDays: f.normalDays, urgentDays: f.urgentDays, emergencyHours: f.emergencyHours }
  const kw = parseKeywords(f.keywords)
  if (kw.join('\u0001') !== original.keywords.join('\u0001')) patch.keywords = kw
  return patch
}
