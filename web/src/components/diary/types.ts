/** Whom a visit is about, as the subject picker hands it over. */
export interface PickedSubject {
  id: string
  label: string
}
