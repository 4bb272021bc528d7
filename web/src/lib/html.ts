/**
 * HTML escaping for the few places that hand a string to an HTML sink (ECharts tooltip function formatters,
 * which ECharts inserts as innerHTML; any future v-html). Names come from users (a town admin names a grid),
 * so every value that reaches such a sink goes through `escapeHtml` — Vue's `{{ }}` and ECharts' string
 * templates ('{b}') already escape, a function formatter does not.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

/** Text → HTML text: safe inside an element and inside a quoted attribute. null/undefined become ''. */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c])
}

/**
 * Tagged template that escapes every interpolated value and keeps the literal parts as written:
 * html`<b>${name}</b>: ${count}`. For building tooltip markup from data.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]
  for (let i = 0; i < values.length; i++) out += escapeHtml(values[i]) + strings[i + 1]
  return out
}
