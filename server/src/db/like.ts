/** A LIKE pattern's literal text: %, _ and \ escaped (PostgreSQL's default escape character). */
export function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => '\\' + c)
}
