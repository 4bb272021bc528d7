/** The same server, another database name. */
export function dbUrl(base: string, database: string) {
  const u = new URL(base)
  u.pathname = '/' + database
  return u.toString()
}

/** Where to run CREATE/DROP DATABASE: the database named in TEST_DATABASE_URL itself. */
export const adminUrl = (base: string) => base
