// The brain's data files (dictionaries, labelled corpora) live beside its code in the repository. They are read
// from the repository root, not relative to this module's URL, so the same code runs from the TypeScript sources
// (tests, tsx) and from the bundle `npm start` runs (server/dist).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT_DIR } from '../../config.ts'

const BRAIN_DIR = join(ROOT_DIR, 'server/src/modules/brain')

/** A brain data file's text, e.g. `dict/user.dict.txt` or `corpus/categories.tsv`. */
export const brainDataFile = (path: string) => readFileSync(join(BRAIN_DIR, path), 'utf8')
