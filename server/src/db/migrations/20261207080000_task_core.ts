import { type Kysely, sql } from 'kysely'

// Issue 15, the task core: the finish report's photos (task_photos, blobs in `files` like every upload), a task's
// kind (`task`, or `wish`: a 微心愿 for a person of the archive), the publisher's cancel with its reason, and a
// notice that links to a task (notifications.task_id) so the phone opens /m/tasks/:id.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column kind text not null default 'task'`.execute(db)
  await sql`alter table tasks add column person_id uuid references persons(id)`.execute(db)
  await sql`alter table tasks add column cancel_reason text`.execute(db)
  await sql`alter table tasks add constraint tasks_wish_check check (kind <> 'wish' or (person_id is not null and slots = 1))`.execute(db)
  await sql`create index tasks_wish_idx on tasks (region_id, created_at desc) where kind = 'wish'`.execute(db)
  await sql`
    create table task_photos (
      id uuid primary key default gen_random_uuid(),
      task_id uuid not null references tasks(id),
      user_id uuid not null references users(id),
      file_id uuid not null references files(id),
      -- set when the photo went with the claimer's finish report
      reported boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index task_photos_task_idx on task_photos (task_id, user_id)`.execute(db)
  await sql`alter table notifications add column task_id uuid references tasks(id) on delete cascade`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop column if exists task_id`.execute(db)
  await sql`drop table if exists task_photos`.execute(db)
  await sql`alter table tasks drop constraint if exists tasks_wish_check`.execute(db)
  await sql`alter table tasks drop column if exists cancel_reason`.execute(db)
  await sql`alter table tasks drop column if exists person_id`.execute(db)
  await sql`alter table tasks drop column if exists kind`.execute(db)
}
