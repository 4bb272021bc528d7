import { CASE_MAX_FILES, type CaseDetail } from '@minqing/common'

/** The server takes photos until a case is finished, up to CASE_MAX_FILES; the screens offer the button as long. */
export function canAddPhotos(c: Pick<CaseDetail, 'state' | 'files'>) {
  return !['closed', 'rejected', 'merged'].includes(c.state) && c.files.length < CASE_MAX_FILES
}
